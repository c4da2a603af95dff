-- The trust question: asked once when Outrigger attaches to a folder it does not trust;
-- "Trust" is remembered by the server, `:Outrigger untrust` takes it back.
local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))

local function notified(fragment)
  for _, message in ipairs(h.notified) do
    if message:find(fragment, 1, true) then
      return true
    end
  end
  return false
end

h.run(function()
  h.trust_answer = 1
  local client, bufnr = h.attach('prices.py')
  h.wait(function() return #h.trust_prompts == 1 end, 'no trust question was asked')
  h.check(h.trust_prompts[1]:find(vim.fn.getcwd(), 1, true), 'the question does not name the folder: ' .. h.trust_prompts[1])
  h.wait(function() return notified(': trusted to run its own code') end, 'not trusted: ' .. vim.inspect(h.notified))
  h.check(h.exec(client, bufnr, 'outrigger.trust').trusted == true, 'the server does not trust the folder')

  vim.cmd('Outrigger untrust')
  h.wait(function() return notified('not trusted') end, 'untrust said nothing: ' .. vim.inspect(h.notified))
  h.check(h.exec(client, bufnr, 'outrigger.trust').trusted == false, 'the folder is still trusted')
  vim.cmd.edit('other.py')  -- another buffer of the same server: no second question
  vim.wait(500)
  h.check(#h.trust_prompts == 1, 'asked again: ' .. vim.inspect(h.trust_prompts))
  h.stop(client)
end)
