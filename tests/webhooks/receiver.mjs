// A vendor's webhook receiver for the tests: checks each delivery's signature with the
// Standard Webhooks library (npm `standardwebhooks`) and reads it with the CloudEvents SDK
// (npm `cloudevents`), as a vendor's own receiver would, on a free loopback port.
//
// Prints `listening <port>` once it listens. Control, over HTTP on the same port:
//   POST /control/secret   {"secret": "whsec_…"}   the secret to verify with
//   POST /control/answer   {"status": 500}          what to answer from now on
//                          {"hang": true}           never answer
//   GET  /control/received                          every delivery so far, in arrival order
// It stops when its standard input closes, that is when the test that started it ends.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { HTTP } from 'cloudevents';

let secret = null;
let answer = { status: 204 };
const received = [];

const readBody = (req) => new Promise((resolve) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});

const reply = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};

const server = createServer(async (req, res) => {
  const body = await readBody(req);
  if (req.url === '/control/secret' && req.method === 'POST') {
    secret = JSON.parse(body).secret;
    return reply(res, 204);
  }
  if (req.url === '/control/answer' && req.method === 'POST') {
    answer = JSON.parse(body);
    return reply(res, 204);
  }
  if (req.url === '/control/received' && req.method === 'GET') {
    return reply(res, 200, received);
  }
  const entry = { webhookId: req.headers['webhook-id'] ?? null, verified: false, answered: null };
  received.push(entry);
  try {
    new Webhook(secret).verify(body, req.headers);
    entry.verified = true;
  } catch (e) {
    entry.error = String(e.message ?? e);
  }
  try {
    const event = HTTP.toEvent({ headers: req.headers, body });
    entry.event = {
      id: event.id, type: event.type, source: event.source, subject: event.subject,
      time: event.time, specversion: event.specversion, data: event.data,
    };
    entry.contentType = req.headers['content-type'];
  } catch (e) {
    entry.error = String(e.message ?? e);
  }
  if (answer.hang) {
    entry.answered = 'hang';
    return; // never answers; the sender's timeout ends it
  }
  const status = entry.verified && entry.event ? answer.status : 400;
  entry.answered = status;
  reply(res, status);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
