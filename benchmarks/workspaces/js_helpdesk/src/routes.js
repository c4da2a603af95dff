// Request handlers: each takes the parsed body and the store, and returns { status, body }.
const { createTicket, assignTicket, openTickets } = require("./tickets");
const { notifyUser } = require("./notify");
const { ticketLine } = require("./format");

function handleCreate(store, body) {
  if (!body.title) {
    return { status: 400, body: "a ticket needs a title" };
  }
  const ticket = createTicket(body.title, body.author, body.priority);
  store.tickets.push(ticket);
  return { status: 201, body: ticket };
}

function handleAssign(store, id, agent) {
  const ticket = store.tickets.find((t) => t.id === id);
  if (!ticket) {
    return { status: 404, body: `no ticket #${id}` };
  }
  return { status: 200, body: assignTicket(ticket, agent) };
}

function handleClose(store, id, by) {
  const ticket = store.tickets.find((t) => t.id === id);
  if (!ticket) {
    return { status: 404, body: `no ticket #${id}` };
  }
  ticket.status = "closed";
  ticket.closedBy = by.name;
  ticket.closed = new Date();
  notifyUser(ticket.author, `Ticket #${ticket.id} was closed by ${by.name}`);
  return { status: 200, body: ticket };
}

function handleList(store) {
  return { status: 200, body: openTickets(store.tickets).map(ticketLine) };
}

module.exports = { handleCreate, handleAssign, handleClose, handleList };
