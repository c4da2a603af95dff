// The workspace's own tests: `node test.js` exits non-zero when one fails.
const assert = require("assert");
const { Playlist, longest } = require("./src/playlist");
const { PlayQueue, History, playNext } = require("./src/queue");
const { formatDuration, formatDurations, parseDuration, totalDuration } = require("./src/time");

const intro = { title: "Intro", seconds: 94 };
const song = { title: "Song", seconds: 660 };

const list = new Playlist("mix");
assert.strictEqual(list.push(intro), 1);
assert.strictEqual(list.push(song), 2);
assert.strictEqual(list.total(), 754);
assert.strictEqual(list.describe(), "mix: 2 tracks, 12:34");
assert.strictEqual(list.remove("Intro"), true);
assert.strictEqual(list.remove("Intro"), false);
assert.strictEqual(longest([intro, song]), song);

const queue = new PlayQueue();
queue.push(intro);
queue.push(song);
assert.strictEqual(queue.total(), 2);
const history = new History(5);
assert.strictEqual(playNext(queue, history), intro);
assert.deepStrictEqual(history.played, [intro]);

assert.strictEqual(formatDuration(754), "12:34");
assert.deepStrictEqual(formatDurations([754, 1230]), ["12:34", "20:30"]);
assert.strictEqual(parseDuration("12:34"), 754);
assert.strictEqual(totalDuration([intro, song]), 754);
console.log("ok");
