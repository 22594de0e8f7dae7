# wasm-opt's flags for the package's .wasm, sourced by build.sh and by
# bench/named-module.sh (which adds -g), so the module measured is the one
# shipped.
#
# -Oz without the two passes that cost gzip: inlining functions called
# once, and merging similar functions into one with parameters. They leave
# the module smaller raw (399 KB against 412 KB) but larger gzip-compressed,
# as it is served (167.7 KB against 151.7 KB): the copies they make differ
# a little each, which gzip cannot share. See README "Size and speed".
# shellcheck disable=SC2034 # used by the scripts that source this file
WASM_OPT_FLAGS=(
  -Oz --one-caller-inline-max-function-size=0 --skip-pass=merge-similar-functions
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-reference-types --enable-multivalue --enable-mutable-globals
  --strip-debug --strip-producers
)
