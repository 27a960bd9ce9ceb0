// Seeds the demo thread on a fresh Isso and Waline through their own APIs, as different readers
// (each with its own address in X-Forwarded-For, so votes count and no rate limit trips).
// Usage: node seed-demo.cjs <isso url> <waline url>
'use strict';

const [isso, waline] = process.argv.slice(2);
const URI = '/2026/11/24/old-mill-bridge-car-ban';
const TITLE = 'Council votes to close Old Mill Bridge to cars from March';

// [author, text, index of the comment replied to or null]
const DISCUSSION = [
  ['Marta Kowalski', 'Finally. I cycle over that bridge every morning and the lorries come within inches.', null],
  ['Dev Patel', 'What about the shops on Mill Lane? Half their customers drive in from the east side.', null],
  ['Jo Ellison', 'The council survey said most of those shoppers walk. The car park numbers back that up.', 1],
  ['Dev Patel', 'Which survey? The one taken in August when the schools were out?', 2],
  ['Sam Okafor', 'Bus 14 should get the bridge to itself at rush hour. That alone would help.', null],
  ['Marta Kowalski', 'Agreed, and a proper crossing at the north end.', 4],
  ['Guest reader', 'The bridge is 140 years old. Keeping heavy traffic off it is just maintenance.', null],
];

async function post(url, body, ip) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

async function seedIsso() {
  const ids = [];
  for (const [i, [author, text, parent]] of DISCUSSION.entries()) {
    const body = { text, author: author === 'Guest reader' ? null : author, title: TITLE };
    if (parent !== null) body.parent = ids[parent];
    const c = await post(`${isso}/new?uri=${encodeURIComponent(URI)}`, body, `10.1.${i}.1`);
    ids.push(c.id);
  }
  // Likes and dislikes from readers on other networks.
  for (let v = 0; v < 9; v++) {
    const target = ids[v % 3 === 0 ? 0 : v % 3 === 1 ? 4 : 1];
    const verb = v % 3 === 2 ? 'dislike' : 'like';
    await post(`${isso}/id/${target}/${verb}`, {}, `10.2.${v}.1`);
  }
  console.log(`seeded Isso: ${ids.length} comments on ${URI}`);
}

async function seedWaline() {
  const ids = [];
  const roots = [];
  for (const [i, [author, text, parent]] of DISCUSSION.entries()) {
    const body = { url: URI, comment: text, nick: author === 'Guest reader' ? null : author, ua: '' };
    if (parent !== null) {
      body.pid = ids[parent];
      body.rid = roots[parent];
    }
    const env = await post(`${waline}/api/comment`, body, `10.3.${i}.1`);
    if (env.errno !== 0) throw new Error(`Waline refused a comment: ${JSON.stringify(env)}`);
    ids.push(env.data.objectId);
    roots.push(parent === null ? env.data.objectId : roots[parent]);
  }
  for (let v = 0; v < 6; v++) {
    const res = await fetch(`${waline}/api/comment/${ids[v % 2 === 0 ? 0 : 4]}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"like":true}',
    });
    if (!res.ok) throw new Error(`Waline like answered ${res.status}`);
  }
  console.log(`seeded Waline: ${ids.length} comments on ${URI}`);
}

Promise.all([seedIsso(), seedWaline()]).catch((err) => {
  console.error('seeding the demo failed:', err.message);
  process.exit(1);
});
