-- Inline completion in Neovim 0.12 (vim.lsp.inline_completion, enabled by setup()): in insert
-- mode at `total = `, the server's guarded completion shows as ghost text, and accepting it
-- puts it in the buffer. The scripted model ran on past the statement; the ghost text must not,
-- and :Outrigger status counts the cut.
local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))

local function ghost(bufnr)
  local namespace = vim.api.nvim_get_namespaces()['nvim.lsp.inline_completion']
  if not namespace then
    return nil
  end
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, namespace, 0, -1, { details = true })) do
    local chunks = mark[4].virt_text or {}
    if chunks[1] then
      return chunks[1][1]
    end
  end
end

h.run(function()
  local client, bufnr = h.attach('stats.py')
  h.wait(function() return vim.lsp.inline_completion.is_enabled({ bufnr = bufnr }) end, 'inline completion is off')
  -- Headless Neovim runs no typeahead while this case waits: the cursor goes past the end of the
  -- line as in insert mode, and the event insert mode starts with is fired directly.
  vim.o.virtualedit = 'onemore'
  vim.api.nvim_win_set_cursor(0, { 2, 12 })
  vim.api.nvim_exec_autocmds('InsertEnter', { buffer = bufnr })
  h.wait(function() return ghost(bufnr) ~= nil end, 'no ghost text appeared', 20000)
  h.check(ghost(bufnr) == '0', 'ghost text: ' .. vim.inspect(ghost(bufnr)))

  h.check(vim.fn.maparg('<C-l>', 'i', false, true).callback, 'setup() mapped no accept key')
  h.check(vim.lsp.inline_completion.get(), 'nothing to accept')
  h.wait(function() return vim.api.nvim_buf_get_lines(bufnr, 1, 2, false)[1] == '    total = 0' end,
    'the accepted completion is not in the buffer: ' .. vim.inspect(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)))

  -- :Outrigger status says what the guards did (the run-on part was cut).
  local said
  vim.notify = function(message) said = message end
  require('outrigger').status()
  h.wait(function() return said ~= nil end, 'status said nothing')
  h.check(said:find('Inline completion: 1 asked, 1 shown; shortened by cut 1.', 1, true), 'status: ' .. vim.inspect(said))
  h.stop(client)
end)
