-- Outrigger's workspace/applyEdit: the unified diff of every file in a floating window and one
-- question for the whole edit, however many files it touches (Neovim's own handler asks once
-- per file, shows no diff, and reports a declined edit as applied). A task that creates or
-- deletes files is saved once applied: those operations happen on disk, so the edits that go
-- with them (the moved function, the fixed imports) must be there too.
local M = {}

-- Options of the window; setup() replaces them.
M.options = { width = 100, border = 'rounded' }

-- An edit as {uri, text edits} per file, whichever shape the server sent.
local function text_changes(edit)
  local changes = {}
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.textDocument then
      changes[#changes + 1] = { uri = change.textDocument.uri, edits = change.edits }
    end
  end
  for uri, edits in pairs(edit.changes or {}) do
    changes[#changes + 1] = { uri = uri, edits = edits }
  end
  return changes
end

-- The files a task creates and deletes (documentChanges' CreateFile / DeleteFile), by URI.
local function file_operations(edit)
  local operations = {}
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.kind == 'create' or change.kind == 'delete' then
      operations[change.uri] = change.kind
    end
  end
  return operations
end

-- A file's lines as the editor has them: its buffer if loaded, else the disk.
local function current_lines(uri)
  local bufnr = vim.uri_to_bufnr(uri)
  if vim.api.nvim_buf_is_loaded(bufnr) then
    return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  end
  return vim.fn.readfile(vim.uri_to_fname(uri))
end

-- Text inserted into a new, empty buffer leaves the buffer's one empty line at its end.
local function trim_new_buffer(bufnr)
  local count = vim.api.nvim_buf_line_count(bufnr)
  if count > 1 and vim.api.nvim_buf_get_lines(bufnr, count - 1, count, false)[1] == '' then
    vim.api.nvim_buf_set_lines(bufnr, count - 1, count, false, {})
  end
end

--- The unified diff of every file an edit changes, computed on scratch buffers: a created file
--- starts empty (no buffer is made for it before you apply), a deleted one loses every line.
function M.diff(edit, encoding)
  local operations = file_operations(edit)
  local diff = {}
  local function add(uri, before, after)
    local name = vim.fn.fnamemodify(vim.uri_to_fname(uri), ':.')
    local old = operations[uri] == 'create' and '/dev/null' or 'a/' .. name
    local new = operations[uri] == 'delete' and '/dev/null' or 'b/' .. name
    local text = function(lines) return #lines > 0 and table.concat(lines, '\n') .. '\n' or '' end
    vim.list_extend(diff, { '--- ' .. old, '+++ ' .. new })
    vim.list_extend(diff, vim.split((vim.text.diff or vim.diff)(text(before), text(after)), '\n', { trimempty = true }))
  end
  for _, change in ipairs(text_changes(edit)) do
    local before = operations[change.uri] == 'create' and {} or current_lines(change.uri)
    local scratch = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_lines(scratch, 0, -1, false, before)
    vim.lsp.util.apply_text_edits(change.edits, scratch, encoding)
    if operations[change.uri] == 'create' then
      trim_new_buffer(scratch)
    end
    local after = vim.api.nvim_buf_get_lines(scratch, 0, -1, false)
    vim.api.nvim_buf_delete(scratch, { force = true })
    add(change.uri, before, after)
  end
  for uri, kind in pairs(operations) do
    if kind == 'delete' then
      add(uri, current_lines(uri), {})
    end
  end
  return diff
end

-- The summary and each file's line counts, then a task's steps (one annotation each).
local function summary(params)
  local annotations = params.edit.changeAnnotations or {}
  local whole = annotations.outrigger
  local lines = whole and { whole.label, whole.description } or { params.label }
  local steps = {}
  for id, annotation in pairs(annotations) do
    if id ~= 'outrigger' then
      steps[#steps + 1] = annotation.label
    end
  end
  table.sort(steps)
  return vim.list_extend(lines, steps)
end

-- The diff in a floating window while `ask` runs; the window is closed whatever it does.
local function with_diff_shown(diff, ask)
  local view = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(view, 0, -1, false, diff)
  vim.bo[view].filetype = 'diff'
  local width = math.min(M.options.width, vim.o.columns - 4)
  local height = math.max(1, math.min(#diff, vim.o.lines - 8))
  local window = vim.api.nvim_open_win(view, false, {
    relative = 'editor', row = 1, col = math.floor((vim.o.columns - width) / 2), width = width, height = height,
    border = M.options.border, title = ' Outrigger ', style = 'minimal',
  })
  vim.cmd.redraw()
  local ok, result = pcall(ask)
  vim.api.nvim_win_close(window, true)
  vim.api.nvim_buf_delete(view, { force = true })
  assert(ok, result)
  return result
end

--- The workspace/applyEdit handler (lsp/outrigger.lua installs it for Outrigger only).
function M.apply_edit(_, params, ctx)
  local client = assert(vim.lsp.get_client_by_id(ctx.client_id))
  local edit = vim.deepcopy(params.edit)
  local question = table.concat(summary(params), '\n') .. '\nApply this change?'
  -- Confirmed below, once: drop the annotations that would make Neovim ask again per file.
  edit.changeAnnotations = nil
  for _, change in ipairs(text_changes(edit)) do
    for _, text_edit in ipairs(change.edits) do
      text_edit.annotationId = nil
    end
  end
  local choice = with_diff_shown(M.diff(edit, client.offset_encoding), function()
    return vim.fn.confirm(question, '&Apply\n&Discard', 1, 'Question')
  end)
  if choice ~= 1 then
    return { applied = false, failureReason = 'discarded in Neovim' }
  end
  local operations = file_operations(edit)
  local ok, err = pcall(vim.lsp.util.apply_workspace_edit, edit, client.offset_encoding)
  if ok and next(operations) then
    for _, change in ipairs(text_changes(edit)) do
      local bufnr = vim.uri_to_bufnr(change.uri)
      if operations[change.uri] == 'create' then
        trim_new_buffer(bufnr)
      end
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].modified then
        vim.api.nvim_buf_call(bufnr, function() vim.cmd('silent write') end)
      end
    end
  end
  return { applied = ok, failureReason = not ok and tostring(err) or nil }
end

return M
