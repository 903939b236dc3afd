/**
 * The frontend/server-extension version check (the jupyterlab-git habit): a
 * frontend talking to a missing or different server extension fails in
 * confusing ways later, so say what is wrong, and what to do, at start.
 */
import { messageOf, MoietyError } from './api/errors';
import type { IHealth, IVersionCheck } from './tokens';

/**
 * This frontend's version. It must equal package.json's and the Python
 * package's (`extensions/moiety/_version.py`); a unit test checks all three.
 */
export const FRONTEND_VERSION = '0.1.0';

/** The command that enables the server extension, shown to the user. */
export const ENABLE_COMMAND = 'jupyter server extension enable moiety.server';

/**
 * Call the health endpoint and compare its version with the frontend's.
 *
 * Never rejects: every failure becomes a check with a status and a message.
 *
 * @param getHealth - fetches `moiety/api/health` (injected for tests).
 * @param frontendVersion - the version to expect.
 */
export async function checkServerVersion(
  getHealth: () => Promise<IHealth>,
  frontendVersion: string = FRONTEND_VERSION
): Promise<IVersionCheck> {
  let health: IHealth;
  try {
    health = await getHealth();
  } catch (reason) {
    if (reason instanceof MoietyError && reason.status === 404) {
      return {
        status: 'missing',
        frontendVersion,
        health: null,
        message:
          'The Moiety server extension is not enabled in this server: ' +
          `run \`${ENABLE_COMMAND}\` and restart the server.`
      };
    }
    const detail = messageOf(reason);
    return {
      status: 'unreachable',
      frontendVersion,
      health: null,
      message: `The Moiety server extension did not answer: ${detail}`
    };
  }

  if (!health || typeof health.version !== 'string') {
    return {
      status: 'unreachable',
      frontendVersion,
      health: null,
      message:
        'The Moiety server extension answered its health check without a version; ' +
        'reinstall moiety so the frontend and the server extension match.'
    };
  }

  if (health.version !== frontendVersion) {
    return {
      status: 'mismatch',
      frontendVersion,
      health,
      message:
        `Frontend ${frontendVersion} but server extension ${health.version}: ` +
        'reinstall moiety so both match, then restart the server and reload this page.'
    };
  }

  return { status: 'ok', frontendVersion, health, message: '' };
}
