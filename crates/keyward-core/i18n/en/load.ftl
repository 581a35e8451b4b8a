# Loading policy files: documents, apiVersion, kind, metadata and the fields serde reads.

load-not-a-mapping = a policy document must be a mapping
load-not-a-mapping-help = start the document with `apiVersion: keyward.io/v1alpha1` and `kind:`
load-no-api-version = document has no `apiVersion`
load-no-api-version-help = add `apiVersion: { $version }` at the top of the document
load-unsupported-api-version = unsupported apiVersion `{ $version }`
load-unsupported-api-version-help = this keyward reads `{ $version }`
load-unknown-top-level-field = unknown top-level field `{ $field }`
load-unknown-top-level-field-help = a document has only apiVersion, kind, metadata and spec; move this under `spec:`
load-no-kind = document has no `kind`
load-no-kind-help = add `kind:` with one of { $kinds }
load-unknown-kind = unknown kind `{ $kind }`
load-unknown-kind-help = keyward kinds are { $kinds }
load-no-metadata = document has no `metadata`
load-no-metadata-help = add `metadata: {"{"} name: <lowercase-name> {"}"}`
load-no-name = `metadata.name` is missing
load-no-name-help = every resource needs a name: lowercase letters, digits and `-`
load-bad-name = `{ $name }` is not a valid resource name
load-bad-name-help = use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit (Kubernetes rules), at most 253 characters
load-misspelt-skipped = `{ $api_version } { $kind }` is not a keyward resource, so this document was skipped
load-misspelt-help-kind = did you mean `apiVersion: { $version }` and `kind: { $kind }`?

# serde's messages about a field, rebuilt so they can be translated.
load-at-field = { $message } at `{ $field }`
load-unknown-field = unknown field `{ $name }`, expected { $expected }
load-unknown-variant = unknown variant `{ $name }`, expected { $expected }
load-unknown-field-none = unknown field `{ $name }`, there are no fields
load-missing-field = missing field `{ $name }`
load-invalid-type = invalid type: { $got }, expected { $expected }
load-type-got = { $kind } { $value }
load-type-integer = integer
load-type-string = string
load-type-boolean = boolean
load-type-sequence = sequence
load-type-map = map
load-expected-string = a string
load-expected-sequence = a sequence
load-expected-map = a map
load-expected-boolean = a boolean

load-help-remove-nothing-allowed = remove it; nothing may be set here
load-help-remove-or-rename = remove it or correct its name; `keyward schema` lists the fields allowed here
load-help-remove-allowed = remove it; allowed here: { $allowed }
load-help-add-field = add `{ $field }:`
load-help-add-field-under = add `{ $field }:` under `{ $parent }`
load-help-write-string = write the value as a string; quote it (`"0001"`) when YAML would read it as a number, date or boolean
load-help-write-list = write a list, one `- item` per line or `[a, b]`
load-help-write-mapping = write a mapping of `key: value` lines (or `{"{"}{"}"}` for an empty one)
load-help-write-date = write dates as YYYY-MM-DD
load-help-see-schema = see `keyward schema` for what this field accepts
load-expected-one-of = one of { $names }
load-expected-either = { $first } or { $second }
load-expected-name = { $name }

# YAML itself (yaml.rs): syntax, anchors and aliases, tags, nesting, duplicate keys, size.
yaml-too-large = the file is larger than { $max } bytes ({ $len } bytes), the most keyward reads as YAML
yaml-too-large-help = split the resources over several files (one per application or team, for example); policy files are usually a few kilobytes
yaml-invalid = invalid YAML: { $detail }
yaml-invalid-help = check the indentation and quoting around this place; values containing `: ` or starting with `*`, `&`, `!` or `%` must be quoted
yaml-unknown-anchor = alias refers to an unknown anchor
yaml-unknown-anchor-help = define the anchor (`&name`) before using it (`*name`)
yaml-alias-budget-help = an alias (`*name`) copies its anchor (`&name`) with every alias inside it; write the shared values out, or anchor smaller pieces
yaml-tag-mismatch = `{ $value }` does not fit its tag
yaml-tag-mismatch-help = remove the tag or quote the value
yaml-too-deep = collections are nested more than { $max } levels deep here
yaml-too-deep-help = policy resources nest a few levels; check for a runaway `- - -` or `[[[` in this line
yaml-duplicate-key = duplicate key `{ $key }` (first set on line { $line })
yaml-duplicate-key-help = YAML keeps only one of the two values; remove or merge one of them

## What a resource from the Kubernetes API may reach (reach.rs, locator.rs)
load-reach-no-files-help = the controller allows no files: put the data in a directory the operator mounts and allows with `keyward controller --allow-files DIR`, then write its absolute path here
load-reach-allowed-help = write an absolute path under a directory the controller allows ({ $dirs }); the operator allows more with `keyward controller --allow-files DIR`
load-reach-relative = `{ $path }` is a relative path, and a resource from the Kubernetes API has no policy file to be relative to: it would be read from the controller's working directory
load-reach-outside = `{ $path }` is outside the directories the controller lets resources read
load-reach-symlink-outside = `{ $path }` leads, through a symbolic link, outside the directories the controller lets resources read
load-reach-secret-help = keep the value in a Secret of this resource's namespace and write `{ $name }: {"{"}secret: {"{"}name: SECRET, key: KEY{"}"}{"}"}`
load-reach-env = a resource from the Kubernetes API cannot take a credential from an environment variable: `{ $var }` would be one of the controller's own
load-reach-file = a resource from the Kubernetes API cannot take a credential from a file: it would be read from the controller's own file system
