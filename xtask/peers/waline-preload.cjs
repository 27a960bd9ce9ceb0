// Loaded with `node --require` before Waline: every outgoing TCP connection that is not to a
// loopback address fails at once, so nothing in Waline or its dependencies reaches the internet
// (one dependency phones a metadata host at start-up; Akismet and avatars would follow).
'use strict';
const net = require('node:net');

function isLoopback(host) {
  if (host === undefined || host === null || host === '' || host === 'localhost') return true;
  const h = String(host).replace(/^\[|\]$/g, '');
  return h === '::1' || /^127\./.test(h) || h === '::ffff:127.0.0.1';
}

function target(args) {
  const first = args[0];
  if (Array.isArray(first)) return target(first);
  if (first && typeof first === 'object') return first.path ? 'localhost' : first.host;
  if (typeof first === 'string' && Number.isNaN(Number(first))) return 'localhost'; // unix socket path
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const host = target(args);
  if (!isLoopback(host)) {
    const err = new Error(`outbound connection to ${host} refused: this Waline runs offline`);
    err.code = 'ECONNREFUSED';
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};
