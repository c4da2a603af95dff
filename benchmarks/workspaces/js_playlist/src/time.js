// Durations are whole seconds.

function formatDuration(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `${minutes}:${rest}`;
}

function formatDurations(list) {
  return list.map(formatDuration);
}

function parseDuration(text) {
  const [minutes, rest] = text.split(":").map(Number);
  return minutes * 60 + rest;
}

function totalDuration(tracks) {
  return tracks.reduce((sum, track) => sum + track.seconds, 0);
}

module.exports = { formatDuration, formatDurations, parseDuration, totalDuration };
