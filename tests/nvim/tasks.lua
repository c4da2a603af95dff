-- Multi-file tasks in Neovim with the documented configuration (OUTRIGGER_NVIM_CONFIG), on a
-- Python project with tests, none of them calling the model: a move into a new file (the
-- floating diff shows the new file and every changed one, one question lists the step; once
-- applied the task is on disk), a move discarded (no file, no buffer left for it), a deletion
-- and its undo through <leader>ou.
local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))

local function disk(path)
  return vim.fn.filereadable(path) == 1 and table.concat(vim.fn.readfile(path), '\n') or nil
end

local function has(text, wanted, what)
  h.check(text and text:find(wanted, 1, true), what .. ' lacks ' .. wanted .. ':\n' .. tostring(text))
end

h.run(function()
  local client, buf = h.attach('report.py')
  -- What the server sent, to hold the files on disk against.
  local sent = {}
  local review = assert(client.handlers['workspace/applyEdit'], 'the configuration has no applyEdit handler')
  client.handlers['workspace/applyEdit'] = function(err, params, ctx)
    sent[#sent + 1] = params.edit
    return review(err, params, ctx)
  end

  -- The project's tests check each step only once the user trusts the folder (asked once).
  vim.cmd('Outrigger trust')
  h.wait(function()
    return vim.iter(h.notified):any(function(m) return m:find('trusted to run its own code', 1, true) ~= nil end)
  end, 'the folder was not trusted: ' .. vim.inspect(h.notified))

  -- The move: one prompt for the whole task, the new file in the diff.
  h.answers = { 1 }
  local result = h.exec(client, buf, 'outrigger.ask', { { request = 'move format_date out of utils.py into a new dates.py' } })
  h.check(result.kind == 'edit', 'move: ' .. vim.inspect(result))
  h.check(#h.prompts == 1, 'expected one confirmation, got ' .. vim.inspect(h.prompts))
  local prompt = h.prompts[1]
  for _, wanted in ipairs({
    'Moved `format_date` from utils.py to dates.py.',
    'utils.py +0 −5, dates.py +5 −0, report.py +2 −1',
    'Step 1: move `format_date` from utils.py to dates.py',
    'Apply this change?',
  }) do
    has(prompt.message, wanted, 'the prompt')
  end
  for _, wanted in ipairs({
    '--- /dev/null\n+++ b/dates.py\n@@ -0,0 +1,5 @@\n+from datetime import date',
    '+def format_date(day: date) -> str:',
    '--- a/utils.py\n+++ b/utils.py',
    '-def format_date(day: date) -> str:',
    '--- a/report.py\n+++ b/report.py',
    '+from dates import format_date',
  }) do
    has(prompt.diff, wanted, 'the floating diff')
  end
  has(table.concat(result.notes or {}, '\n'), 'pass with this change', "the result's notes")
  has(result.plan, 'task of 1 step (decided by rules):\n  1. move `format_date` from utils.py to dates.py', 'the plan')

  -- Applied: on disk, every buffer saved; the new file holds exactly what the server sent.
  local created = vim.iter(sent[1].documentChanges):find(function(c)
    return c.textDocument and c.textDocument.uri:sub(-9) == '/dates.py'
  end)
  local exact = table.concat(vim.fn.readfile('dates.py', 'b'), '\n')
  h.check(exact == created.edits[1].newText, 'dates.py on disk:\n' .. vim.inspect(exact) .. '\nsent:\n' .. vim.inspect(created.edits[1].newText))
  has(exact, 'def format_date(day: date) -> str:', 'dates.py on disk')
  h.check(not disk('utils.py'):find('def format_date', 1, true), 'format_date is still in utils.py on disk')
  has(disk('report.py'), 'from dates import format_date', 'report.py on disk')
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    h.check(not vim.bo[bufnr].modified, vim.api.nvim_buf_get_name(bufnr) .. ' is left unsaved')
  end

  -- Discarded: nothing on disk and no buffer for the file it would have created.
  h.answers = { 2 }
  result = h.exec(client, buf, 'outrigger.ask', { { request = 'move shout out of utils.py into a new loud.py' } })
  h.check(result.kind == 'not-applied' and result.message:find('discarded in Neovim', 1, true), 'discard: ' .. vim.inspect(result))
  has(h.prompts[2].diff, '--- /dev/null\n+++ b/loud.py', 'the discarded move')
  h.check(disk('loud.py') == nil and vim.fn.bufexists(vim.fn.fnamemodify('loud.py', ':p')) == 0, 'the discarded move left loud.py behind')

  -- A deletion: the file is gone, its lines shown as removed.
  vim.cmd.edit('old_api.py')
  h.answers = { 1 }
  result = h.exec(client, buf, 'outrigger.ask', { { request = 'remove old_api.py now that nothing imports it' } })
  h.check(result.kind == 'edit', 'delete: ' .. vim.inspect(result))
  has(h.prompts[3].diff, '--- a/old_api.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-def legacy():', 'the deletion diff')
  has(h.prompts[3].message, 'Step 1: delete in old_api.py', 'the deletion prompt')
  h.check(disk('old_api.py') == nil, 'old_api.py is still on disk')
  h.check(vim.fn.bufexists(vim.fn.fnamemodify('old_api.py', ':p')) == 0, 'the deleted file still has a buffer')

  -- <leader>ou brings it back (confirmed like any edit, saved like any task).
  vim.wait(400) -- as a person is slower than debounce_text_changes
  h.answers = { 1 }
  h.press('<leader>ou')
  h.wait(function() return disk('old_api.py') ~= nil end, 'undo did not restore old_api.py: ' .. vim.inspect(h.prompts[4]))
  h.check(disk('old_api.py') == 'def legacy():\n    return 1', 'old_api.py restored as: ' .. tostring(disk('old_api.py')))
  has(h.prompts[4].diff, '--- /dev/null\n+++ b/old_api.py', 'the undo diff')
  h.stop(client)
end)
