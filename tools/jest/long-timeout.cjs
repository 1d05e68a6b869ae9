/* global jest */
// Integration and end-to-end tests start real servers; give them time, never a silent pass.
jest.setTimeout(60_000);
