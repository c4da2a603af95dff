-- Languages beyond the first five, through the plugin: a Rust and a Go file each get
-- Outrigger's code actions and a doc comment previewed in the floating diff and applied with one
-- confirm; a file of a made-up language Outrigger has no grammar for (`.toy`, served by
-- toy_server.py) gets Outrigger attached once its symbols are pushed, then the actions and a
-- previewed edit of its `charge`. Then :checkhealth outrigger.
local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))

vim.filetype.add({ extension = { toy = 'toy' } })
vim.lsp.config('toy', { cmd = { os.getenv('OUTRIGGER_PYTHON'), os.getenv('OUTRIGGER_TOY_SERVER') }, filetypes = { 'toy' } })
vim.lsp.enable('toy')

local function titles(client, buf, line, character)
  local at = { line = line, character = character }
  local response = client:request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = at, ['end'] = at },
    context = { diagnostics = {} },
  }, 10000, buf)
  h.check(response and not response.err, 'codeAction failed: ' .. vim.inspect(response))
  return vim.tbl_map(function(action) return action.title end, response.result or {})
end

local function has_all(found, wanted)
  for _, title in ipairs(wanted) do
    h.check(vim.tbl_contains(found, title), 'missing code action ' .. title .. ' in ' .. vim.inspect(found))
  end
end

--- The user-facing path: the code action menu with one action picked, then one confirm.
local function apply_action(title, expected_text, buf)
  local prompts = #h.prompts
  h.answers = { 1 }
  vim.lsp.buf.code_action({ apply = true, filter = function(action) return action.title == title end })
  h.wait(function() return h.text(buf):find(expected_text, 1, true) ~= nil end,
    title .. ' did not land:\n' .. h.text(buf) .. '\n' .. vim.inspect(h.notified))
  h.check(#h.prompts == prompts + 1, 'expected one confirmation for ' .. title .. ': ' .. vim.inspect(h.prompts))
  h.check(h.prompts[#h.prompts].diff:find('+' .. expected_text, 1, true), 'the floating diff lacks the edit: ' .. h.prompts[#h.prompts].diff)
end

h.run(function()
  local client, rust = h.attach('tide.rs')
  has_all(titles(client, rust, 0, 8), { 'Explain `high_tide`', 'Add doc comment to `high_tide`', 'Ask Outrigger about `high_tide`…' })
  vim.api.nvim_win_set_cursor(0, { 1, 8 })
  apply_action('Add doc comment to `high_tide`', '/// Whether the water is above the high-tide mark.', rust)

  local _, go = h.attach('orchard.go')
  has_all(titles(client, go, 2, 6), { 'Explain `Ripe`', 'Add doc comment to `Ripe`' })
  vim.api.nvim_win_set_cursor(0, { 3, 6 })
  apply_action('Add doc comment to `Ripe`', '// Ripe reports whether fruit picked days ago is ripe.', go)

  vim.cmd.edit('notes.toy')
  local toy = vim.api.nvim_get_current_buf()
  h.wait(function() return vim.lsp.get_clients({ bufnr = toy, name = 'outrigger' })[1] ~= nil end,
    'Outrigger was not attached to the toy buffer once its symbols were pushed')
  local found
  h.wait(function()
    found = titles(client, toy, 1, 6)
    return #found > 0
  end, 'no code actions on `charge` in notes.toy')
  has_all(found, { 'Explain `charge`', 'Ask Outrigger about `charge`…' })
  vim.ui.input = function(_, on_confirm) on_confirm('fix charge so that it charges twice') end
  vim.api.nvim_win_set_cursor(0, { 2, 6 })
  apply_action('Ask Outrigger about `charge`…', '    twice', toy)

  -- :checkhealth outrigger names the server, the model and its state.
  vim.cmd('checkhealth outrigger')
  local report = h.text(vim.api.nvim_get_current_buf())
  for _, wanted in ipairs({ 'OK Neovim', 'OK server: outrigger ', 'OK model: ', ' is ready', 'attached to ' }) do
    h.check(report:find(wanted, 1, true), ':checkhealth outrigger lacks ' .. wanted .. ':\n' .. report)
  end
  h.stop(client)
end)
