// kafkajs 2.2.4 against a Brook broker: create a topic with the admin client, check it is listed,
// produce 10,000 keyed messages with headers. Prints "ok <n>" and exits 0 when every send was
// acknowledged. The tests that run this read the messages back with librdkafka and with
// consume.js (a kafkajs group consumer).
// Usage: node produce.js HOST:PORT TOPIC
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, topic] = process.argv.slice(2);
  const kafka = new Kafka({ clientId: 'brook-kafkajs-test', brokers: [broker], logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  if (!created) throw new Error('createTopics returned false');
  const listed = await admin.listTopics();
  if (!listed.includes(topic)) throw new Error(`listTopics lacks ${topic}`);
  await admin.disconnect();

  const count = 10000;
  const producer = kafka.producer();
  await producer.connect();
  for (let start = 0; start < count; start += 500) {
    const messages = [];
    for (let i = start; i < start + 500; i++) {
      messages.push({ key: `key-${i}`, value: `value-${i}`, headers: { seq: `${i}` } });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();

  console.log(`ok ${count}`);
}

main().then(() => process.exit(0)).catch((err) => {
  console.error(`kafkajs round trip failed: ${err.stack || err}`);
  process.exit(1);
});
