// kafkajs 2.2.4's idempotent and transactional producers against a Brook broker (InitProducerId,
// AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and TxnOffsetCommit at kafkajs's v0-1). One mode per
// run; each prints "name value..." lines and exits 0, the test judges them; on an error it prints
// the error on stderr and exits 1.
//
// Usage:
//   node txn.js produce HOST:PORT TOPIC TXNID
//       creates TOPIC (2 partitions); transactional producer TXNID writes to both partitions
//       "c1-<p>-<i>" (committed), "a-<p>-<i>" (aborted), "c2-<p>-<i>" (committed), i = 0..4.
//       Prints "committed 20", "aborted 10".
//   node txn.js consume HOST:PORT TOPIC GROUP committed|uncommitted
//       a group consumer (readUncommitted false, kafkajs's default, or true) reads from the
//       beginning until it has seen "c2-<p>-4" of both partitions. Prints "<partition> <offset>
//       <value>" per message, then "done <messages>".
//   node txn.js offsets HOST:PORT TOPIC GROUP TXNID
//       creates TOPIC (1 partition); in a transaction sends one record and
//       transaction.sendOffsets({consumerGroupId: GROUP, offset 3 on partition 0}); prints GROUP's
//       committed offset of partition 0 (admin.fetchOffsets) while the transaction is open
//       ("before_commit"), after the commit ("after_commit"), and after a second transaction
//       that sends offset 7 and aborts ("after_abort"); -1 means no committed offset.
//   node txn.js idempotent HOST:PORT TOPIC COUNT
//       creates TOPIC (1 partition); an idempotent producer (not transactional) sends COUNT
//       records "i-<n>" in sends of 10, in order. Prints "sent <COUNT>".
const { Kafka, logLevel } = require('kafkajs');

const kTimeoutMs = 60000;

function kafkaFor(broker, name) {
  return new Kafka({ clientId: `brook-kafkajs-${name}`, brokers: [broker], logLevel: logLevel.ERROR });
}

async function createTopic(kafka, topic, numPartitions) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  await admin.disconnect();
}

function transactionalProducer(kafka, transactionalId) {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
}

// One transaction writing "<prefix>-<p>-<i>" to partitions 0 and 1; commits or aborts it.
async function writeTransaction(producer, topic, prefix, commit) {
  const transaction = await producer.transaction();
  try {
    for (const partition of [0, 1]) {
      const messages = [];
      for (let i = 0; i < 5; i++) messages.push({ partition, value: `${prefix}-${partition}-${i}` });
      await transaction.send({ topic, messages });
    }
  } catch (err) {
    await transaction.abort();
    throw err;
  }
  if (commit) {
    await transaction.commit();
  } else {
    await transaction.abort();
  }
}

async function produce(broker, topic, transactionalId) {
  const kafka = kafkaFor(broker, 'txn-produce');
  await createTopic(kafka, topic, 2);
  const producer = transactionalProducer(kafka, transactionalId);
  await producer.connect();
  await writeTransaction(producer, topic, 'c1', true);
  await writeTransaction(producer, topic, 'a', false);
  await writeTransaction(producer, topic, 'c2', true);
  await producer.disconnect();
  console.log('committed 20');
  console.log('aborted 10');
}

async function consume(broker, topic, groupId, isolation) {
  const kafka = kafkaFor(broker, 'txn-consume');
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: isolation === 'uncommitted',
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 500,
  });
  const lines = [];
  const ends = new Set();
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const value = message.value === null ? '-' : message.value.toString();
      lines.push(`${partition} ${message.offset} ${value}`);
      if (value === `c2-${partition}-4`) ends.add(partition);
      if (ends.size === 2) finish(true);
    },
  });
  const timer = setTimeout(() => finish(false), kTimeoutMs);
  const complete = await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  lines.push(`done ${lines.length}`);
  console.log(lines.join('\n'));
  if (!complete) throw new Error('the last committed records did not arrive in time');
}

// GROUP's committed offset of TOPIC-0, -1 when there is none.
async function committedOffset(admin, groupId, topic) {
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  const partitions = offsets.find((t) => t.topic === topic).partitions;
  const entry = partitions.find((p) => p.partition === 0);
  return entry ? entry.offset : '-1';
}

async function offsets(broker, topic, groupId, transactionalId) {
  const kafka = kafkaFor(broker, 'txn-offsets');
  await createTopic(kafka, topic, 1);
  const admin = kafka.admin();
  await admin.connect();
  const producer = transactionalProducer(kafka, transactionalId);
  await producer.connect();
  const sendOffsets = (transaction, offset) => transaction.sendOffsets({
    consumerGroupId: groupId,
    topics: [{ topic, partitions: [{ partition: 0, offset: `${offset}` }] }],
  });

  const committed = await producer.transaction();
  await committed.send({ topic, messages: [{ partition: 0, value: 'with-offsets' }] });
  await sendOffsets(committed, 3);
  console.log(`before_commit ${await committedOffset(admin, groupId, topic)}`);
  await committed.commit();
  console.log(`after_commit ${await committedOffset(admin, groupId, topic)}`);

  const aborted = await producer.transaction();
  await aborted.send({ topic, messages: [{ partition: 0, value: 'aborted-with-offsets' }] });
  await sendOffsets(aborted, 7);
  await aborted.abort();
  console.log(`after_abort ${await committedOffset(admin, groupId, topic)}`);

  await producer.disconnect();
  await admin.disconnect();
}

async function idempotent(broker, topic, countText) {
  const count = Number(countText);
  const kafka = kafkaFor(broker, 'idempotent');
  await createTopic(kafka, topic, 1);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let start = 0; start < count; start += 10) {
    const messages = [];
    for (let i = start; i < Math.min(start + 10, count); i++) {
      messages.push({ partition: 0, value: `i-${i}` });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  console.log(`sent ${count}`);
}

const modes = { produce, consume, offsets, idempotent };

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (!modes[mode]) throw new Error(`unknown mode '${mode}'`);
  await modes[mode](...args);
}

main().then(() => process.exit(0)).catch((err) => {
  console.error(`kafkajs txn test failed: ${err.stack || err}`);
  process.exit(1);
});
