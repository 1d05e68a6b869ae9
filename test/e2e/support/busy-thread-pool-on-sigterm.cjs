// Preloaded (`node --require`) into a process under test, with UV_THREADPOOL_SIZE=1: on SIGTERM it keeps libuv's
// only thread busy for a few seconds, so the process's last asynchronous log write is still queued when it stops,
// as it often is on a loaded machine. `once`: a process that re-raises SIGTERM to end itself is not kept alive.
const { pbkdf2 } = require('node:crypto');

process.once('SIGTERM', () => pbkdf2('busy', 'salt', 3_000_000, 32, 'sha256', () => {}));
