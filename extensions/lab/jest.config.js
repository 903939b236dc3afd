/**
 * Jest runs the unit tests of the extension's models (no JupyterLab app, no
 * browser): TypeScript through ts-jest, the DOM through jsdom.
 */
module.exports = {
  testEnvironment: '<rootDir>/jest-environment.js',
  testEnvironmentOptions: { url: 'http://hub.example:8000/user/alice/lab' },
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.spec.ts?(x)'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }]
  },
  moduleNameMapper: {
    '\\.svg$': '<rootDir>/src/__tests__/svg-stub.js'
  },
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/__tests__/**'],
  coverageReporters: ['text-summary', 'lcov']
};
