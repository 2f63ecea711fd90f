// libsodium-wrappers-sumo, loaded by the page as two classic scripts from /static/vendor/
// (libsodium-sumo.js, then libsodium-wrappers-sumo.js), ready to use: every other module of
// the browser crypto library imports it from here.

const sodium = globalThis.sodium;
if (sodium === undefined) {
  throw new Error(
    "libsodium is not loaded: the page must include /static/vendor/libsodium-sumo.js and " +
      "/static/vendor/libsodium-wrappers-sumo.js before the crypto modules",
  );
}
await sodium.ready;

export default sodium;
