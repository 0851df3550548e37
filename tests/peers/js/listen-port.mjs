// Preloaded with `node --import`: says on stderr which port every server listens on
// (`listening on port <port>`), so that a test can start a peer with PORT=0 and learn the port
// the system gave it.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once("listening", () => {
    const address = this.address();
    if (address && typeof address === "object") {
      console.error(`listening on port ${address.port}`);
    }
  });
  return listen.apply(this, args);
};
