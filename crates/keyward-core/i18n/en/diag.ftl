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
