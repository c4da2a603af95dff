class PlayQueue {
  constructor() {
    this.items = [];
  }

  push(track) {
    this.items.push(track);
    return this.items.length;
  }

  next() {
    return this.items.shift() || null;
  }

  total() {
    return this.items.length;
  }
}

class History {
  constructor(limit) {
    this.limit = limit;
    this.played = [];
  }

  push(track) {
    this.played.unshift(track);
    this.played = this.played.slice(0, this.limit);
  }

  last() {
    return this.played[this.played.length - 1] || null;
  }
}

function playNext(queue, history) {
  const track = queue.next();
  if (track) {
    history.push(track);
  }
  return track;
}

module.exports = { PlayQueue, History, playNext };
