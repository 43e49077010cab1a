-- The indent of a line of mcl: the previous code line's indent, one level more if that line
-- leaves a bracket open, one level less if this line starts with a closing bracket.
local M = {}

--- The brackets of `line` that count: strings and the comment are skipped.
--- Returns the number of brackets left open at the end and whether the line starts with closers
--- that close brackets of earlier lines.
local function brackets(line)
  local depth, lowest = 0, 0
  local i, n = 1, #line
  while i <= n do
    local c = line:sub(i, i)
    if c == '#' then
      break
    elseif c == '"' then
      i = i + 1
      while i <= n do
        local s = line:sub(i, i)
        if s == '\\' then
          i = i + 1
        elseif s == '"' then
          break
        end
        i = i + 1
      end
    elseif c == '{' or c == '[' or c == '(' then
      depth = depth + 1
    elseif c == '}' or c == ']' or c == ')' then
      depth = depth - 1
      lowest = math.min(lowest, depth)
    end
    i = i + 1
  end
  return depth, lowest
end

function M.get(lnum)
  lnum = lnum or vim.v.lnum
  local prev = vim.fn.prevnonblank(lnum - 1)
  if prev == 0 then
    return 0
  end
  local sw = vim.fn.shiftwidth()
  local ind = vim.fn.indent(prev)
  local depth, lowest = brackets(vim.fn.getline(prev))
  -- Brackets the previous line opened (after any it closed first) add a level.
  if depth - lowest > 0 then
    ind = ind + sw
  end
  -- A line that starts by closing brackets goes back a level.
  if vim.fn.getline(lnum):match('^%s*[%]%)}]') then
    ind = ind - sw
  end
  return math.max(ind, 0)
end

return M
