// PostGraphile 5 declares Node >= 22 but, on Node 20, only misses Promise.withResolvers (Node 22).
// Loaded with `node --import ./polyfill.mjs server.mjs`; a no-op where the runtime has it.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
