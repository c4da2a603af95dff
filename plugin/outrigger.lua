-- :Outrigger ask [request] | undo | history | status. require('outrigger').setup() starts
-- the server and maps the keys; this command works once it runs.
if vim.g.loaded_outrigger then
  return
end
vim.g.loaded_outrigger = true

local subcommands = { 'ask', 'undo', 'history', 'status' }

vim.api.nvim_create_user_command('Outrigger', function(command)
  local outrigger = require('outrigger')
  local name, rest = command.args:match('^(%S*)%s*(.*)$')
  if name == 'ask' and rest ~= '' then
    outrigger.ask(rest)
  elseif name == 'ask' then
    outrigger.prompt()
  elseif vim.tbl_contains(subcommands, name) then
    outrigger[name]()
  else
    vim.notify('Outrigger: unknown subcommand ' .. name .. ' (ask, undo, history, status)', vim.log.levels.ERROR)
  end
end, {
  nargs = '+',
  desc = 'Outrigger: ask, undo, history, status',
  complete = function(lead, line)
    if line:match('^%S+%s+%S*$') then
      return vim.tbl_filter(function(name) return name:find(lead, 1, true) == 1 end, subcommands)
    end
    return {}
  end,
})
