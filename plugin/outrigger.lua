-- :Outrigger ask [request] | undo | history | status | trust | untrust. require('outrigger').setup() starts
-- the server and maps the keys; this command works once it runs.
if vim.g.loaded_outrigger then
  return
end
vim.g.loaded_outrigger = true

local subcommands = { 'ask', 'undo', 'history', 'status', 'trust', 'untrust' }

vim.api.nvim_create_user_command('Outrigger', function(command)
  local outrigger = require('outrigger')
  local name, rest = command.args:match('^(%S*)%s*(.*)$')
  if name == 'ask' and rest ~= '' then
    outrigger.ask(rest)
  elseif name == 'ask' then
    outrigger.prompt()
  elseif name == 'trust' or name == 'untrust' then
    outrigger.trust(name == 'trust')
  elseif vim.tbl_contains(subcommands, name) then
    outrigger[name]()
  else
    vim.notify('Outrigger: unknown subcommand ' .. name .. ' (' .. table.concat(subcommands, ', ') .. ')', vim.log.levels.ERROR)
  end
end, {
  nargs = '+',
  desc = 'Outrigger: ' .. table.concat(subcommands, ', '),
  complete = function(lead, line)
    if line:match('^%S+%s+%S*$') then
      return vim.tbl_filter(function(name) return name:find(lead, 1, true) == 1 end, subcommands)
    end
    return {}
  end,
})
