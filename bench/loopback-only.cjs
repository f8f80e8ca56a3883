// Loaded with `node --require`: Portkey's server takes no host option and would listen on every
// interface; this keeps each listen() on 127.0.0.1, the only address the benchmark may use.
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    return listen.call(this, { port: Number(first), host: "127.0.0.1" }, args.find((a) => typeof a === "function"));
  }
  if (first && typeof first === "object") {
    args[0] = { ...first, host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
