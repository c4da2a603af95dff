// The SMTP mailer from before the outbox; kept while the new one was tested.
const net = require("net");

function sendMail(host, to, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(25, host, () => {
      socket.end(`MAIL TO:<${to}>\r\n${text}\r\n.\r\n`);
      resolve(true);
    });
    socket.on("error", reject);
  });
}

module.exports = { sendMail };
