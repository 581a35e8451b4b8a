# The frame of a located diagnostic (`file:line:column: error: …`, `help: …`).

diag-error = error
diag-warning = warning
diag-help = help
diag-here = here
diag-did-you-mean = did you mean `{ $name }`?
diag-position-line-column-name = { $file }:{ $line } (column { $column })
diag-position-column-name = { $file } (column { $column })
# A problem in an object from the Kubernetes API: the field it is about, then the message.
diag-field-message = { $field }: { $message }

# Reading data files (HR exports, account listings): rows and CSV syntax.
data-field-count = the row has { $got } fields but the header has { $want }
data-field-count-help = the file may be cut off, or a value contains the delimiter without quotes; export it again
data-csv-unreadable = cannot read the CSV: { $detail }
data-csv-unreadable-help = check the quoting on this line; a value containing a quote must double it ("")

# Decoding data files (tabular.rs): UTF-8, Shift_JIS (CP932), empty files.
data-at-byte = at byte offset { $offset } (line { $line }, column { $column })
data-not-utf8 = the file is not valid UTF-8 { $where }
data-not-utf8-help = set `encoding: shift_jis` (or `auto`) if the file was saved by Excel on Windows, or save it as UTF-8
data-not-sjis = the file is not valid Shift_JIS (CP932) { $where }
data-not-sjis-help = set `encoding: utf8` (or `auto`) if the file is UTF-8, or save it as UTF-8
data-save-as-utf8-help = the file may be damaged or in another encoding; save the export as UTF-8 ("CSV UTF-8" in Excel) and read it again
data-neither-encoding = the file is neither valid UTF-8 nor valid Shift_JIS (CP932): { $first }, { $second }
data-as-sjis-at = as Shift_JIS (CP932) { $where }
data-as-utf8-offset = as UTF-8 at byte offset { $offset }
data-as-utf8-at = as UTF-8 { $where }
data-as-sjis-offset = as Shift_JIS at byte offset { $offset }
data-empty-file = the file is empty ({ $bytes } bytes, no header row)
