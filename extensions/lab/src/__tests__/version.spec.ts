import { readFileSync } from 'fs';
import { join } from 'path';

import { MoietyError } from '../api/errors';
import type { IHealth } from '../tokens';
import {
  ENABLE_COMMAND,
  FRONTEND_VERSION,
  checkServerVersion
} from '../version';

function health(version: string): IHealth {
  return {
    name: 'moiety',
    version,
    service_url: '/services/moiety/',
    user: 'alice',
    server_kind: 'personal',
    project: null
  };
}

describe('checkServerVersion', () => {
  it('is ok when the server extension answers the same version', async () => {
    const check = await checkServerVersion(
      async () => health('0.1.0'),
      '0.1.0'
    );
    expect(check).toEqual({
      status: 'ok',
      frontendVersion: '0.1.0',
      health: health('0.1.0'),
      message: ''
    });
  });

  it('says how to enable a missing server extension (404)', async () => {
    const check = await checkServerVersion(async () => {
      throw new MoietyError(404, 'http-404', 'Not Found');
    }, '0.1.0');
    expect(check.status).toBe('missing');
    expect(check.health).toBeNull();
    expect(check.message).toBe(
      'The Moiety server extension is not enabled in this server: ' +
        `run \`${ENABLE_COMMAND}\` and restart the server.`
    );
    expect(ENABLE_COMMAND).toBe(
      'jupyter server extension enable moiety.server'
    );
  });

  it('names both versions when they differ', async () => {
    const check = await checkServerVersion(
      async () => health('0.2.0'),
      '0.1.0'
    );
    expect(check.status).toBe('mismatch');
    expect(check.health?.version).toBe('0.2.0');
    expect(check.message).toMatch(
      /^Frontend 0\.1\.0 but server extension 0\.2\.0: reinstall moiety so both match/
    );
  });

  it('reports other failures as unreachable, with their message', async () => {
    const check = await checkServerVersion(async () => {
      throw new MoietyError(500, 'internal', 'Database is locked.');
    });
    expect(check.status).toBe('unreachable');
    expect(check.message).toContain('Database is locked.');
  });

  it('treats an answer without a version as unreachable', async () => {
    const check = await checkServerVersion(
      async () => ({ name: 'moiety' }) as unknown as IHealth
    );
    expect(check.status).toBe('unreachable');
    expect(check.message).toMatch(/without a version/);
  });
});

describe('FRONTEND_VERSION', () => {
  const root = join(__dirname, '..', '..');

  it("equals package.json's version", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(FRONTEND_VERSION).toBe(pkg.version);
  });

  it("equals the Python package's version", () => {
    const source = readFileSync(
      join(root, '..', 'moiety', '_version.py'),
      'utf8'
    );
    const match = /__version__\s*=\s*["']([^"']+)["']/.exec(source);
    expect(match?.[1]).toBe(FRONTEND_VERSION);
  });
});
