import { MoietyError } from '../api/errors';
import { MoietyPanelModel } from '../panel/model';
import type { IMe, IVersionCheck } from '../tokens';

const ALICE: IMe = {
  name: 'alice',
  teams: ['kinase'],
  lead_of: [],
  admin: false
};

const OK: IVersionCheck = {
  status: 'ok',
  frontendVersion: '0.1.0',
  health: null,
  message: ''
};

/** A promise that settles on the model's next change. */
function nextChange(model: MoietyPanelModel): Promise<void> {
  return new Promise(resolve => {
    const once = () => {
      model.changed.disconnect(once);
      resolve();
    };
    model.changed.connect(once);
  });
}

describe('MoietyPanelModel', () => {
  it('loads /api/me', async () => {
    const request = jest.fn().mockResolvedValue(ALICE);
    const model = new MoietyPanelModel({ request }, Promise.resolve(OK));
    expect(model.me).toEqual({ kind: 'loading' });
    await model.refresh();
    expect(request).toHaveBeenCalledWith('api/me');
    expect(model.me).toEqual({ kind: 'ready', me: ALICE });
  });

  it("keeps the server's message on failure, and retries", async () => {
    const request = jest
      .fn()
      .mockRejectedValueOnce(
        new MoietyError(0, 'network', 'Could not reach the Moiety service.')
      )
      .mockResolvedValueOnce(ALICE);
    const model = new MoietyPanelModel({ request }, Promise.resolve(OK));
    await model.refresh();
    expect(model.me).toEqual({
      kind: 'error',
      message: 'Could not reach the Moiety service.'
    });
    await model.refresh();
    expect(model.me).toEqual({ kind: 'ready', me: ALICE });
  });

  it('shares one request between concurrent refreshes', async () => {
    const request = jest.fn().mockResolvedValue(ALICE);
    const model = new MoietyPanelModel({ request }, Promise.resolve(OK));
    await Promise.all([model.refresh(), model.refresh()]);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('exposes the version check once it settles', async () => {
    const missing: IVersionCheck = {
      status: 'missing',
      frontendVersion: '0.1.0',
      health: null,
      message: 'The Moiety server extension is not enabled in this server.'
    };
    let settle: (check: IVersionCheck) => void = () => undefined;
    const check = new Promise<IVersionCheck>(resolve => (settle = resolve));
    const model = new MoietyPanelModel({ request: jest.fn() }, check);
    expect(model.versionCheck).toBeNull();
    const changed = nextChange(model);
    settle(missing);
    await changed;
    expect(model.versionCheck).toEqual(missing);
  });
});
