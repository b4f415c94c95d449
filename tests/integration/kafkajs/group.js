// Two kafkajs 2.2.4 consumers in one group share a 3-partition topic, then one leaves and the
// other takes over. Both run in this process; offsets are committed after every batch (kafkajs's
// default), so a clean handover neither loses nor repeats a record.
//
//  1. create TOPIC (3 partitions); start consumers a and b in GROUP; wait until their latest
//     assignments (GROUP_JOIN events) are both non-empty and disjoint;
//  2. produce keyed records in batches while both run, until each has consumed a few hundred;
//  3. a disconnects (commits, LeaveGroup) while records keep coming; wait until b's latest
//     assignment is all 3 partitions and b has consumed records produced after that;
//  4. stop producing, wait until every produced record was consumed, b disconnects.
//
// Prints a summary, one "name value..." line each, and exits 0; the test judges it:
//   split_a / split_b     the partitions of a and b in the first assignment that split the topic
//   final_b               b's partitions after a left
//   produced              records acknowledged by the producer
//   consumed_by_a/_b      deliveries to a and to b
//   distinct              distinct records delivered
//   missing               produced records never delivered (count, then up to 20 keys)
//   duplicated            records delivered more than once (count, then up to 20 keys)
//   crashes               consumer CRASH events
// Exits 1 with a message on stderr when a phase does not finish within two minutes.
// Usage: node group.js HOST:PORT TOPIC GROUP
const { Kafka, logLevel } = require('kafkajs');

const kPhaseTimeoutMs = 120000;

// Resolves when `condition()` holds, polling every 50 ms; rejects after kPhaseTimeoutMs.
async function waitFor(what, condition) {
  const deadline = Date.now() + kPhaseTimeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function partitionsOf(assignment, topic) {
  return [...(assignment[topic] || [])].sort((x, y) => x - y);
}

async function main() {
  const [broker, topic, groupId] = process.argv.slice(2);
  const client = (name) =>
    new Kafka({ clientId: `brook-kafkajs-${name}`, brokers: [broker], logLevel: logLevel.ERROR });

  const admin = client('admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();

  const deliveries = new Map();  // record key -> times delivered
  const consumers = {};
  let crashes = 0;
  for (const name of ['a', 'b']) {
    const consumer = client(name).consumer({
      groupId,
      sessionTimeout: 10000,
      rebalanceTimeout: 20000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 500,
    });
    const state = { consumer, assignment: [], joins: 0, consumed: 0, consumedSinceJoin: 0 };
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      state.assignment = partitionsOf(payload.memberAssignment, topic);
      state.joins += 1;
      state.consumedSinceJoin = 0;
    });
    consumer.on(consumer.events.CRASH, () => { crashes += 1; });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key.toString();
        deliveries.set(key, (deliveries.get(key) || 0) + 1);
        state.consumed += 1;
        state.consumedSinceJoin += 1;
      },
    });
    consumers[name] = state;
  }
  const { a, b } = consumers;

  // 1. The split.
  const split = () => {
    if (a.assignment.length === 0 || b.assignment.length === 0) return false;
    return a.assignment.every((p) => !b.assignment.includes(p));
  };
  await waitFor('two consumers to split the topic', split);
  const splitA = a.assignment;
  const splitB = b.assignment;

  // 2.-3. Records keep coming in batches of 50 until told to stop.
  const producer = client('producer').producer();
  await producer.connect();
  const produced = [];  // the key of every acknowledged record; keys are unique
  let producing = true;
  let next = 0;
  const production = (async () => {
    while (producing) {
      const messages = [];
      for (let i = 0; i < 50; i++, next++) messages.push({ key: `k${next}`, value: `v${next}` });
      const results = await producer.send({ topic, messages });
      if (results.some((r) => r.errorCode !== 0)) throw new Error('produce failed');
      for (const m of messages) produced.push(m.key);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  await waitFor('both consumers to consume', () => a.consumed >= 300 && b.consumed >= 150);
  await a.consumer.disconnect();
  const bJoinsBefore = b.joins;
  await waitFor('b to take over all partitions',
    () => b.joins > bJoinsBefore && b.assignment.length === 3 && b.consumedSinceJoin >= 100);
  const finalB = b.assignment;
  producing = false;
  await production;
  await producer.disconnect();

  // 4. Everything produced arrives.
  await waitFor('every record to be consumed', () => produced.every((key) => deliveries.has(key)));
  await b.consumer.disconnect();

  const missing = produced.filter((key) => !deliveries.has(key));
  const duplicated = [...deliveries].filter(([, n]) => n > 1).map(([key]) => key);
  console.log(`split_a ${splitA.join(' ')}`);
  console.log(`split_b ${splitB.join(' ')}`);
  console.log(`final_b ${finalB.join(' ')}`);
  console.log(`produced ${produced.length}`);
  console.log(`consumed_by_a ${a.consumed}`);
  console.log(`consumed_by_b ${b.consumed}`);
  console.log(`distinct ${deliveries.size}`);
  console.log(`missing ${missing.length} ${missing.slice(0, 20).join(' ')}`.trimEnd());
  console.log(`duplicated ${duplicated.length} ${duplicated.slice(0, 20).join(' ')}`.trimEnd());
  console.log(`crashes ${crashes}`);
}

main().then(() => process.exit(0)).catch((err) => {
  console.error(`kafkajs group test failed: ${err.stack || err}`);
  process.exit(1);
});
