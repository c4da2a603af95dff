// How tickets read in lists and e-mails.

const PRIORITIES = ["low", "normal", "high", "urgent"];

function formatDate(date) {
  const month = String(date.getUTCMonth() + 1).padStart(2, "0");
  const day = String(date.getUTCDate()).padStart(2, "0");
  return `${date.getUTCFullYear()}-${month}-${day}`;
}

function formatPriority(level) {
  const name = PRIORITIES[level];
  if (name === undefined) {
    throw new RangeError(`no priority ${level}`);
  }
  return level >= 2 ? name.toUpperCase() : name;
}

function ticketLine(ticket) {
  const status = ticket.status === "closed" ? "closed" : formatPriority(ticket.priority);
  return `#${ticket.id} ${ticket.title} (${status}, opened ${formatDate(ticket.opened)})`;
}

module.exports = { formatDate, formatPriority, ticketLine };
