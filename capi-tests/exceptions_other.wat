;; Exports the tag exceptions.wat imports as "other" "tag".
(module (tag (export "tag") (param i32)))
