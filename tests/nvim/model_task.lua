-- A two-step task the (scripted) model writes, in Neovim with the documented configuration: add
-- `logout` to src/session.js and call it from src/routes.js. One question names both steps, the
-- floating diff shows both files; the edit lands in the buffers (no file is created, so nothing
-- is saved for you) and `:wall` writes it, as a user would.
local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))

local function has(text, wanted, what)
  h.check(text and text:find(wanted, 1, true), what .. ' lacks ' .. wanted .. ':\n' .. tostring(text))
end

h.run(function()
  local client, buf = h.attach('src/routes.js')
  h.answers = { 1 }
  local request = 'add a `logout(session)` to src/session.js and call it from `handleLogout` in src/routes.js'
  local result = h.exec(client, buf, 'outrigger.ask', { { request = request } })
  h.check(result.kind == 'edit', 'task: ' .. vim.inspect(result))
  h.check(#h.prompts == 1, 'expected one confirmation, got ' .. vim.inspect(h.prompts))
  local prompt = h.prompts[1]
  for _, wanted in ipairs({
    'Step 1: add `logout` in src/session.js',
    'Step 2: edit `handleLogout` in src/routes.js',
    'src/session.js +',
    'src/routes.js +',
    'Apply this change?',
  }) do
    has(prompt.message, wanted, 'the prompt')
  end
  for _, wanted in ipairs({
    '--- a/src/session.js\n+++ b/src/session.js',
    '+function logout(session) {',
    '--- a/src/routes.js\n+++ b/src/routes.js',
    '+  logout(req.session);',
  }) do
    has(prompt.diff, wanted, 'the floating diff')
  end
  has(h.text(buf), 'logout(req.session);', 'the routes.js buffer')
  has(result.plan, 'task of 2 steps', 'the plan')
  vim.cmd('silent wall')
  h.stop(client)
end)
