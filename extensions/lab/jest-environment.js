/**
 * jsdom, plus Node's own fetch classes (Headers, Request, Response), which
 * jsdom lacks and the Moiety clients use.
 */
const { TestEnvironment } = require('jest-environment-jsdom');

class MoietyEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['fetch', 'Headers', 'Request', 'Response']) {
      if (!this.global[name]) {
        this.global[name] = globalThis[name];
      }
    }
  }
}

module.exports = MoietyEnvironment;
