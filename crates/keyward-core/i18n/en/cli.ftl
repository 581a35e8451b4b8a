# The CLI's own frame: the last line of a failed command, validate's summary.

cli-problems-in-policy = { $count } { $count ->
        [one] problem
       *[other] problems
    } in the policy files; nothing was planned or changed
cli-problems-in-hr-data = { $count } { $count ->
        [one] problem
       *[other] problems
    } in the HR data; nothing was planned or changed
cli-problems-reading-accounts = { $count } { $count ->
        [one] problem
       *[other] problems
    } reading the apps' accounts; nothing was planned or changed
cli-validate-ok = OK: { $sources } people source(s), { $apps } application(s), { $policies } access polic(y/ies), { $exceptions } exception(s); { $people } people, { $accounts } accounts read.
cli-validate-offline = Offline: not contacted: { $names }. `keyward validate --online` reads them too, with their credentials.

## The CLI's own errors (`problems::Said`): files it cannot read or write,
## flags that do not fit, inputs of the wrong kind.
cli-none = none
cli-cannot-render = cannot render { $what }
cli-cannot-render-crd = cannot render the CRD
cli-cannot-render-exception = cannot render an Exception
cli-cannot-write-stdout = cannot write to standard output
cli-cannot-read = cannot read { $path }
cli-cannot-read-dir = cannot read the directory { $path }
cli-cannot-write = cannot write { $path }
cli-cannot-create = cannot create { $path }
cli-file-exists = { $path } exists; choose a new file so nothing is overwritten
cli-no-such-app = no Application named `{ $app }`; the policies define: { $names }
cli-test-no-such-path = { $path }: no such file or directory; pass test files or directories with --tests
cli-test-none-found = no policy test files (*.test.yaml) found in { $searched }; write PolicyTest documents in a file such as { $dir }/example.test.yaml, or name the files with --tests
cli-test-not-text = test files are UTF-8 YAML text
cli-test-problems = { $count } { $count ->
        [one] problem
       *[other] problems
    } in the test files; no test was run
cli-cannot-use-audit-log = cannot use the audit log { $path }
cli-audit-does-not-verify = { $path } does not verify
cli-cannot-read-plan = cannot read the plan { $path }
cli-not-a-plan = { $path } is not a plan keyward can apply
cli-cannot-read-answer = cannot read the answer
cli-cannot-write-plan = cannot write the plan to { $path }
cli-offline-needs-network = --offline: the policies read { $inputs } over the network, so no plan is made from files alone; plan without --offline where the network and credentials may be used
cli-cannot-write-report = cannot write the report to { $path }
cli-cannot-write-report-data = cannot write the report's data to { $path }
cli-not-a-discovery = { $path }:{ $line }:{ $column }: not a discovery summary: { $error }; write one with `keyward discover -f DIR -o { $path }`
cli-discovery-version = { $path }: a discovery summary of version { $version }, but this keyward reads version { $supported }; run `keyward discover` again
cli-discover-no-directory = no directory to discover apps in: discovery reads the Google Workspace or Microsoft Graph a PeopleSource or an Application of the policies connects to; add one (see the README's "Discovering apps nobody declared")
cli-catalogue-broken = the catalogue built into keyward does not parse
cli-cannot-write-discovery = cannot write the discovery summary to { $path }
cli-no-stub = the app has no stub
cli-no-such-discovered-app = no discovered app is named `{ $name }`; undeclared apps: { $known }
cli-review-exists = { $dir } already holds an access review ({ $index } exists); export into a new directory so no filled-in sheet is overwritten
cli-review-until-past = --until { $until } is in the past; kept accounts need an end date after today ({ $today })
cli-review-bad-decisions = { $problems }; write one of those, or leave the cell empty

## Notifications (notify.rs): a webhook is a credential, so only the
## variable and the host are named.
cli-notify-var-unset = environment variable { $var } (the webhook URL to notify) is not set; set it, or drop the flag
cli-notify-var-not-url = environment variable { $var } does not hold an http(s) URL; put the webhook URL there
cli-notify-cannot-send = cannot send notifications: { $error }
cli-notify-cannot-render = cannot render the notification: { $error }
cli-notify-timed-out = timed out
cli-notify-no-connection = could not connect
cli-notify-http-status = answered HTTP { $status }
cli-notify-slack-webhook = Slack webhook
cli-notify-webhook = webhook
cli-notify-not-delivered = the { $what } at { $host } (from { $var }) { $why }; the notification was not delivered
