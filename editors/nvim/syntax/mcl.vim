" Vim syntax file for mcl, the configuration language of mgmt.
" The token classes follow grammar/mcl.tmLanguage.json of the mclc repository.
if exists('b:current_syntax')
  finish
endif

syn case match

" Comments: # to the end of the line.
syn keyword mclTodo contained TODO FIXME XXX NOTE
syn match mclComment "#.*$" contains=mclTodo,@Spell

" Keywords.
syn keyword mclConditional if else
syn keyword mclRepeat for forkv
syn keyword mclInclude import include as
syn keyword mclOperatorWord and or not in
syn keyword mclKeyword panic collect
syn keyword mclStorage func class
syn keyword mclBoolean true false

" Types: str, int, float, bool, variant, []T, map{K: V}, struct{…}, func(…) T.
syn keyword mclType bool str int float variant
syn match mclType "\<map\ze\s*{"
syn match mclType "\<struct\ze\s*{"
syn match mclType "\[\]\ze\s*\(\[\]\|\<\(bool\|str\|int\|float\|variant\|map\|struct\|func\)\>\)"

" Numbers: 42, -17, 3.14 (no exponents).
syn match mclNumber "\%([A-Za-z0-9_.]\)\@<!-\?\d\+\%(\.\d\+\)\?\%([A-Za-z0-9_.]\)\@!"

" Variables: $x, $i1.c0, $const.res.file.state.exists.
syn match mclVariable "\$\s*[a-z][a-z0-9_]*\%(\.[a-z][a-z0-9_]*\)*"

" Strings with escapes and ${name} interpolation; they may span lines.
syn match mclEscape contained "\\[abfnrtv\\\"$]"
syn match mclBadEscape contained "\\[^abfnrtv\\\"$]"
syn match mclInterpolation contained "\${[a-z]\%([a-z0-9_]\|[._][a-z0-9_]\)*}"
syn region mclString start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=mclEscape,mclBadEscape,mclInterpolation,@Spell

" Function calls: len(…), fmt.printf(…). (Keywords such as panic win over matches.)
syn match mclFunction "\<\%([a-z][a-z0-9_]*\.\)*[a-z][a-z0-9_]*\ze\s*("

" Declarations.
syn match mclDefName "\%(\<\%(class\|func\)\s\+\)\@<=[a-z][a-z0-9_:]*"
syn match mclDefName "\%(\<include\s\+\)\@<=[a-z][a-z0-9_.]*"

" Resources: a kind at the start of a line followed by its name; fields before =>;
" Meta:param; edge properties (Before, Depend, Notify, Listen); capitalised kinds of edges.
syn match mclResourceKind "^\s*\%(collect\s\+\)\?\zs\%(\%(if\|else\|for\|forkv\|in\|and\|or\|not\|func\|class\|include\|import\|as\|panic\|collect\|bool\|str\|int\|float\|map\|struct\|variant\|true\|false\)\>\)\@![a-z][a-z0-9_]*\%(:[a-z][a-z0-9_]*\)*\ze[ \t]\+[^ \t=,)\]}]"
syn match mclField "\<[a-z][a-z0-9_]*\ze\s*=>"
syn match mclMeta "\<Meta\ze\s*\%(:\|=>\)"
syn match mclMetaParam "\%(\<Meta\s*:\s*\)\@<=[a-z][a-z0-9_]*"
syn match mclEdgeProperty "\<\%(Meta\)\@![A-Z][a-z0-9_]*\ze\s*=>"
syn match mclEdgeKind "\<[A-Z][a-z0-9_]*\%(\s*:\s*[A-Z][a-z0-9_]*\)*\ze\s*\["
syn match mclMember "\%(->\s*\)\@<=[a-z][a-z0-9_]*"

" Operators.
syn match mclOperator "<|>\|?:\|=>\|->\|==\|!=\|<=\|>=\|[<>=+*/-]"

hi def link mclComment Comment
hi def link mclTodo Todo
hi def link mclConditional Conditional
hi def link mclRepeat Repeat
hi def link mclInclude Include
hi def link mclOperatorWord Operator
hi def link mclKeyword Keyword
hi def link mclStorage StorageClass
hi def link mclBoolean Boolean
hi def link mclType Type
hi def link mclNumber Number
hi def link mclVariable Identifier
hi def link mclString String
hi def link mclEscape SpecialChar
hi def link mclBadEscape Error
hi def link mclInterpolation Special
hi def link mclFunction Function
hi def link mclDefName Function
hi def link mclResourceKind Structure
hi def link mclField Label
hi def link mclMeta PreProc
hi def link mclMetaParam Label
hi def link mclEdgeProperty PreProc
hi def link mclEdgeKind Structure
hi def link mclMember Identifier
hi def link mclOperator Operator

let b:current_syntax = 'mcl'
