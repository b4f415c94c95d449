// kafkajs 2.2.4 reads a topic back as a consumer-group member (fromBeginning, offsets committed
// after each batch) until it has seen COUNT distinct `seq` headers. Prints one line per message
// it received, "<partition> <offset> <key> <value> <header count> <seq header>", then
// "done <messages received>", and exits 0; exits 1 (after printing what it had) when the
// messages did not all arrive within two minutes.
// Usage: node consume.js HOST:PORT TOPIC GROUP COUNT
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, topic, groupId, countText] = process.argv.slice(2);
  const count = Number(countText);
  const kafka = new Kafka({ clientId: 'brook-kafkajs-consume', brokers: [broker], logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
  const lines = [];
  const seen = new Set();
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers = message.headers || {};
      const seq = headers.seq === undefined ? '-' : headers.seq.toString();
      const key = message.key === null ? '-' : message.key.toString();
      const value = message.value === null ? '-' : message.value.toString();
      lines.push(`${partition} ${message.offset} ${key} ${value} ${Object.keys(headers).length} ${seq}`);
      seen.add(seq);
      if (seen.size >= count) finish(true);
    },
  });
  const timer = setTimeout(() => finish(false), 120000);
  const complete = await finished;
  clearTimeout(timer);
  await consumer.disconnect();

  lines.push(`done ${lines.length}`);
  // Exit only once the (large) output is flushed: a pipe may take it in several writes.
  process.stdout.write(lines.join('\n') + '\n', () => process.exit(complete ? 0 : 1));
}

main().catch((err) => {
  console.error(`kafkajs consume failed: ${err.stack || err}`);
  process.exit(1);
});
