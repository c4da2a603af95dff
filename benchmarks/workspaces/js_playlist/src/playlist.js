const { formatDuration, totalDuration } = require("./time");

class Playlist {
  constructor(name) {
    this.name = name;
    this.tracks = [];
  }

  push(track) {
    this.tracks.push(track);
    return this.tracks.length;
  }

  remove(title) {
    const before = this.tracks.length;
    this.tracks = this.tracks.filter((track) => track.title !== title);
    return before !== this.tracks.length;
  }

  total() {
    return totalDuration(this.tracks);
  }

  describe() {
    return `${this.name}: ${this.tracks.length} tracks, ${formatDuration(this.total())}`;
  }
}

function longest(tracks) {
  return tracks.reduce((best, track) => (best && best.seconds >= track.seconds ? best : track), null);
}

module.exports = { Playlist, longest };
