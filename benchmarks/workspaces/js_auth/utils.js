function isBlank(value) {
  return value === undefined || value === null || String(value).trim() === "";
}

function formatDate(timestamp) {
  return new Date(timestamp).toISOString().slice(0, 10);
}

const clamp = (value, low, high) => Math.min(Math.max(value, low), high);

// Timestamps are in milliseconds.
function daysBetween(start, end) {
  return (end - start) / 1000;
}

module.exports = { isBlank, formatDate, clamp, daysBetween };
