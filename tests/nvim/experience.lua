-- What a Neovim user sees with the plugin (OUTRIGGER_NVIM_CONFIG), against a
-- server whose embedded model is scripted (scripted_runtime.py): the status, a multi-file
-- rename shown as one diff and confirmed once, a discarded edit, history and undo through the
-- default mappings, a long answer echoed line by line as the model writes it and opened as a
-- markdown document, and the first start's download progress with percentages.
local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))

h.run(function()
  local client, buf = h.attach('src/auth.js')
  local original = h.text(buf)

  local status = h.exec(client, buf, 'outrigger.status')
  h.check(status.state == 'ready' and status.message:find('starts on the first request', 1, true),
    'status before the first start: ' .. vim.inspect(status))

  -- A rename across three files: one prompt, the diff of all three in the floating window.
  h.answers = { 1 }
  local result = h.exec(client, buf, 'outrigger.ask', { { request = 'rename validateToken to checkToken' } })
  h.check(result.kind == 'edit', 'rename: ' .. vim.inspect(result))
  h.check(#h.prompts == 1, 'expected one confirmation, got ' .. vim.inspect(h.prompts))
  local prompt = h.prompts[1]
  for _, wanted in ipairs({ 'src/auth.js +', 'src/user.js +', 'test.js +', 'Apply this change?' }) do
    h.check(prompt.message:find(wanted, 1, true), 'the prompt lacks ' .. wanted .. ':\n' .. prompt.message)
  end
  for _, wanted in ipairs({ '--- a/src/auth.js', '+++ b/src/user.js', '-function validateToken(token) {', '+function checkToken(token) {' }) do
    h.check(prompt.diff and prompt.diff:find(wanted, 1, true), 'the floating diff lacks ' .. wanted .. ':\n' .. tostring(prompt.diff))
  end
  h.check(h.text(buf):find('function checkToken%(token%)'), 'the rename did not land:\n' .. h.text(buf))
  h.check(#vim.tbl_filter(function(w) return vim.api.nvim_win_get_config(w).relative ~= '' end, vim.api.nvim_list_wins()) == 0,
    'the floating diff is still open')

  -- Discarding: nothing changes and nothing is remembered. (Neovim tells the server of the
  -- rename in test.js, a file it loaded to apply it, after debounce_text_changes: wait as
  -- long as a person would before the next request.)
  vim.wait(400)
  h.answers = { 2 }
  local before = h.text(buf)
  result = h.exec(client, buf, 'outrigger.ask', { { request = 'rename checkToken to verifyToken' } })
  h.check(result.kind == 'not-applied' and result.message:find('discarded in Neovim', 1, true), 'discard: ' .. vim.inspect(result))
  h.check(h.text(buf) == before, 'a discarded edit changed the buffer')

  -- <leader>oh lists the one applied action; <leader>ou undoes it (confirmed like any edit).
  h.press('<leader>oh')
  h.wait(function() return vim.iter(h.notified):any(function(m) return m:find('^Outrigger history:\n') end) end, 'no history shown')
  local history = vim.iter(h.notified):find(function(m) return m:find('^Outrigger history:\n') end)
  h.check(select(2, history:gsub('\n', '')) == 1 and history:find('checkToken', 1, true), 'history: ' .. history)
  -- Neovim sends the other files' changes after debounce_text_changes (150 ms); a person
  -- pressing the next keys is slower than that.
  vim.wait(400)
  h.answers = { 1 }
  h.press('<leader>ou')
  h.wait(function() return h.text(buf) == original end, 'undo did not restore src/auth.js: ' .. vim.inspect({ h.notified, h.prompts }))

  -- A long answer: the model starts (scripted download, with percentages), the answer opens as
  -- a markdown document outside the workspace, the message keeps its first line.
  result = h.exec(client, buf, 'outrigger.ask', { { request = 'Explain `validateUser` in src/auth.js' } })
  h.check(result.kind == 'answer', 'explain: ' .. vim.inspect(result))
  local answers_dir = vim.fs.joinpath(os.getenv('XDG_CACHE_HOME'), 'outrigger', 'answers')
  local document
  h.wait(function()
    document = vim.iter(vim.api.nvim_list_bufs()):find(function(b)
      return vim.api.nvim_buf_get_name(b):find(answers_dir, 1, true) == 1
    end)
    return document ~= nil
  end, 'no answer document opened under ' .. answers_dir)
  h.check(h.text(document):find('> Explain `validateUser` in src/auth.js', 1, true) and h.text(document):find(result.message, 1, true),
    'the answer document: ' .. h.text(document))
  h.check(vim.api.nvim_get_current_buf() == document, 'the answer document did not take the focus')
  h.wait(function()
    return vim.iter(h.notified):any(function(m) return m:find('(the full answer is in answer-', 1, true) end)
  end, 'no short answer message: ' .. vim.inspect(h.notified))
  -- The answer as the model writes it, in the echo area: one line at a time, never a prompt for Enter.
  h.check(vim.iter(h.echoed):any(function(m) return m:find('^Outrigger: .*It [rpr][eae][qst]') end),
    'no part of the answer echoed as it came: ' .. vim.inspect(h.echoed))
  h.check(vim.iter(h.echoed):all(function(m) return not m:find('\n') and vim.fn.strdisplaywidth(m) < vim.o.columns end),
    'an echo longer than one line: ' .. vim.inspect(h.echoed))
  for _, percent in ipairs({ '(0%)', '(50%)', '(100%)' }) do
    h.check(vim.iter(h.echoed):any(function(m) return m:find('Outrigger: Downloading the model ' .. percent, 1, true) end),
      'no progress ' .. percent .. ' echoed: ' .. vim.inspect(h.echoed))
  end

  status = h.exec(client, buf, 'outrigger.status')
  h.check(status.state == 'ready' and status.message:find('(embedded, running)', 1, true), 'status after the start: ' .. vim.inspect(status))
  h.press('<leader>os')
  -- What inline completion's guards did follows on its own line, once it has run.
  local shown = 'Outrigger: ' .. status.message .. (type(status.completion) == 'table' and ('\n' .. status.completion.message) or '')
  h.wait(function() return vim.iter(h.notified):any(function(m) return m == shown end) end, 'status not shown: ' .. vim.inspect(h.notified))
  h.stop(client)
end)
