const { notifyUser } = require("./notify");

let lastId = 0;

function createTicket(title, author, priority = 1) {
  lastId += 1;
  return { id: lastId, title, author, priority, status: "open", assignee: null, opened: new Date() };
}

function assignTicket(ticket, agent) {
  ticket.assignee = agent;
  notifyUser(agent, `Ticket #${ticket.id} is yours: ${ticket.title}`);
  return ticket;
}

function openTickets(tickets) {
  return tickets.filter((ticket) => ticket.status === "open");
}

module.exports = { createTicket, assignTicket, openTickets };
