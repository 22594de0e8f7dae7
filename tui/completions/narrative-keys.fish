# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_narrative_keys_global_optspecs
    string join \n api-key= environment= profile= demo demo-db= reset log-file= timeout= readonly refresh= file= h/help V/version
end

function __fish_narrative_keys_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_narrative_keys_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_narrative_keys_using_subcommand
    set -l cmd (__fish_narrative_keys_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l refresh -d 'Reload the list this often, e.g. 30s or 5m, keeping the selected key and the marks. Terminal UI only' -r
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l file -d 'A keys file whose plan the list shows (each key\'s mark; p shows the plan) [default: narrative-keys.toml in the current directory, if there is one]. Terminal UI only; plan and apply take their own' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -l readonly -d 'Browse only: hide and refuse every change (create, edit, clone, rotate, revoke, incident), e.g. with a key that holds only read:access_tokens. Terminal UI only'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "list" -d 'List keys: name, id, permissions, expiry and status'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "show" -d 'Show one key and what it can do'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "create" -d 'Create a key. Its secret is shown once'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "update" -d 'Change a key\'s name, permissions or expiration'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "revoke" -d 'Revoke keys. They stop working at once'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "rotate" -d 'Replace a key with a new one holding the same permissions; then revoke the old key, keep it, or let it expire after an overlap'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "clone" -d 'Create a key with the same permissions as another, under a new name. Its secret is shown once, delivered as for create'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "incident" -d 'Respond to a leak: revoke every affected key at once, optionally replace them, and report'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "audit" -d 'Find risky keys. Exits 1 when anything is at warning level or above'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "plan" -d 'Keys as code: what `apply` would do to make the account match narrative-keys.toml. Sends nothing'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "apply" -d 'Keys as code: make the account match narrative-keys.toml, delivering every new secret before anything is retired'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "import" -d 'Keys as code: print [[key]] entries (name, presets and grants, pinned id; never a secret) for existing keys'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "schema" -d 'Keys as code: print the JSON Schema of narrative-keys.toml, for editors (taplo, Even Better TOML)'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "explain" -d 'Describe in plain words what a key, or a set of permissions, allows'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "catalog" -d 'The permission catalog: every resource and the levels it supports'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "presets" -d 'The use-case presets and their permissions'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "whoami" -d 'Who the credentials belong to, and where they came from'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "auth" -d 'Sign in once: keep your API key in the OS keyring under a named profile'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c narrative-keys -n "__fish_narrative_keys_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l status -d 'Only keys with this status' -r -f -a "active\t'Working, and not expiring soon'
expiring\t'Expiring within 14 days'
expired\t'Past its expiration'
no-expiry\t'Never expires'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand list" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand show" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l name -d 'The new key\'s name, e.g. after its owner or use ("ci-deploy")' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l preset -d 'read-only-analytics, data-ingestion, workflow-automation, connector-delivery, or sdk-development (read and write on the --grant resources)' -r -f -a "read-only-analytics\t'Read on Datasets, Queries and Subscriptions'
data-ingestion\t'Write on Datasets and DataStreams'
workflow-automation\t'Read and Write on Workflows and Jobs'
connector-delivery\t'Read and Write on Connections and Destinations'
sdk-development\t'Read and Write on the resources your application uses'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l grant -d 'A permission such as read:datasets (repeatable)' -r -f -a "read:datasets\t'Datasets'
write:datasets\t'Datasets'
read:data_streams\t'DataStreams'
write:data_streams\t'DataStreams'
read:views\t'Views'
write:views\t'Views'
read:queries\t'Queries'
write:queries\t'Queries'
read:subscriptions\t'Subscriptions'
write:subscriptions\t'Subscriptions'
read:data_planes\t'DataPlanes'
write:data_planes\t'DataPlanes'
read:connections\t'Connections'
write:connections\t'Connections'
read:destinations\t'Destinations'
write:destinations\t'Destinations'
read:encryption_materials\t'EncryptionMaterials'
write:encryption_materials\t'EncryptionMaterials'
read:resources\t'Resources'
write:resources\t'Resources'
read:apps\t'Apps'
write:apps\t'Apps'
read:app_profiles\t'AppProfiles'
write:app_profiles\t'AppProfiles'
read:app_events\t'AppEvents'
write:app_events\t'AppEvents'
read:installations\t'Installations'
write:installations\t'Installations'
read:profile_store_schema\t'ProfileStoreSchema'
write:profile_store_schema\t'ProfileStoreSchema'
read:profile_store_data\t'ProfileStoreData'
write:profile_store_data\t'ProfileStoreData'
read:access_tokens\t'AccessTokens'
write:access_tokens\t'AccessTokens'
read:users\t'Users'
write:users\t'Users'
read:company_info\t'CompanyInfo'
write:company_info\t'CompanyInfo'
read:jobs\t'Jobs'
write:jobs\t'Jobs'
read:workflows\t'Workflows'
write:workflows\t'Workflows'
read:webhooks\t'Webhooks'
write:webhooks\t'Webhooks'
read:models\t'Models'
write:models\t'Models'
read:model_training\t'ModelTraining'
write:model_training\t'ModelTraining'
read:mappings\t'Mappings'
write:mappings\t'Mappings'
read:schema_preset\t'SchemaPreset'
write:schema_preset\t'SchemaPreset'
read:attributes\t'Attributes'
write:attributes\t'Attributes'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l expires -d '90d, 12w, 6mo, 1y, 2027-01-31, an RFC 3339 instant, or never [default: 90d]' -r -f -a "7d\t''
30d\t''
90d\t''
180d\t''
1y\t''
never\t''"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l secret-out -d 'Write the secret to FILE as `NAME=<secret>` (0600, atomically; new, empty, or holding only such a line, whose secret is kept beside it as FILE.replaced-TIME, deleted only if it worked before the run and not after); `-` prints it on stdout' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l secret-to -d 'Run CMD with `sh -c`, the secret on its standard input (never in its arguments or environment); it delivers only by reading its input to the end and exiting 0' -r -f -a "(__fish_complete_command)"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l secret-env-name -d 'The variable name --secret-out writes [default: NARRATIVE_API_KEY]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l delivery-timeout -d 'How long --secret-to\'s command may run, e.g. 30s or 5m; then it is stopped with everything it started, the delivery fails and the new key is revoked again' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l allow-unknown -d 'Send permissions the catalog does not know as written (a newer resource, a wire-only level such as admin); without it they are refused as typos'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l dry-run -d 'Print the key that would be created, and create nothing'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand create" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l name -d 'The key\'s new name' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l grant -d 'Add a permission (repeatable)' -r -f -a "read:datasets\t'Datasets'
write:datasets\t'Datasets'
read:data_streams\t'DataStreams'
write:data_streams\t'DataStreams'
read:views\t'Views'
write:views\t'Views'
read:queries\t'Queries'
write:queries\t'Queries'
read:subscriptions\t'Subscriptions'
write:subscriptions\t'Subscriptions'
read:data_planes\t'DataPlanes'
write:data_planes\t'DataPlanes'
read:connections\t'Connections'
write:connections\t'Connections'
read:destinations\t'Destinations'
write:destinations\t'Destinations'
read:encryption_materials\t'EncryptionMaterials'
write:encryption_materials\t'EncryptionMaterials'
read:resources\t'Resources'
write:resources\t'Resources'
read:apps\t'Apps'
write:apps\t'Apps'
read:app_profiles\t'AppProfiles'
write:app_profiles\t'AppProfiles'
read:app_events\t'AppEvents'
write:app_events\t'AppEvents'
read:installations\t'Installations'
write:installations\t'Installations'
read:profile_store_schema\t'ProfileStoreSchema'
write:profile_store_schema\t'ProfileStoreSchema'
read:profile_store_data\t'ProfileStoreData'
write:profile_store_data\t'ProfileStoreData'
read:access_tokens\t'AccessTokens'
write:access_tokens\t'AccessTokens'
read:users\t'Users'
write:users\t'Users'
read:company_info\t'CompanyInfo'
write:company_info\t'CompanyInfo'
read:jobs\t'Jobs'
write:jobs\t'Jobs'
read:workflows\t'Workflows'
write:workflows\t'Workflows'
read:webhooks\t'Webhooks'
write:webhooks\t'Webhooks'
read:models\t'Models'
write:models\t'Models'
read:model_training\t'ModelTraining'
write:model_training\t'ModelTraining'
read:mappings\t'Mappings'
write:mappings\t'Mappings'
read:schema_preset\t'SchemaPreset'
write:schema_preset\t'SchemaPreset'
read:attributes\t'Attributes'
write:attributes\t'Attributes'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l drop -d 'Remove a permission the key holds (repeatable)' -r -f -a "read:datasets\t'Datasets'
write:datasets\t'Datasets'
read:data_streams\t'DataStreams'
write:data_streams\t'DataStreams'
read:views\t'Views'
write:views\t'Views'
read:queries\t'Queries'
write:queries\t'Queries'
read:subscriptions\t'Subscriptions'
write:subscriptions\t'Subscriptions'
read:data_planes\t'DataPlanes'
write:data_planes\t'DataPlanes'
read:connections\t'Connections'
write:connections\t'Connections'
read:destinations\t'Destinations'
write:destinations\t'Destinations'
read:encryption_materials\t'EncryptionMaterials'
write:encryption_materials\t'EncryptionMaterials'
read:resources\t'Resources'
write:resources\t'Resources'
read:apps\t'Apps'
write:apps\t'Apps'
read:app_profiles\t'AppProfiles'
write:app_profiles\t'AppProfiles'
read:app_events\t'AppEvents'
write:app_events\t'AppEvents'
read:installations\t'Installations'
write:installations\t'Installations'
read:profile_store_schema\t'ProfileStoreSchema'
write:profile_store_schema\t'ProfileStoreSchema'
read:profile_store_data\t'ProfileStoreData'
write:profile_store_data\t'ProfileStoreData'
read:access_tokens\t'AccessTokens'
write:access_tokens\t'AccessTokens'
read:users\t'Users'
write:users\t'Users'
read:company_info\t'CompanyInfo'
write:company_info\t'CompanyInfo'
read:jobs\t'Jobs'
write:jobs\t'Jobs'
read:workflows\t'Workflows'
write:workflows\t'Workflows'
read:webhooks\t'Webhooks'
write:webhooks\t'Webhooks'
read:models\t'Models'
write:models\t'Models'
read:model_training\t'ModelTraining'
write:model_training\t'ModelTraining'
read:mappings\t'Mappings'
write:mappings\t'Mappings'
read:schema_preset\t'SchemaPreset'
write:schema_preset\t'SchemaPreset'
read:attributes\t'Attributes'
write:attributes\t'Attributes'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l expires -d 'New expiration: 90d, 2027-01-31 or an RFC 3339 instant' -r -f -a "7d\t''
30d\t''
90d\t''
180d\t''
1y\t''
never\t''"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l allow-unknown -d 'Send permissions the catalog does not know as written (a newer resource, a wire-only level such as admin); without it they are refused as typos'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l dry-run -d 'Print the changes that would be made, and change nothing'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand update" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l deadline -d 'How long to keep trying keys whose revocation failed (429, 5xx, a broken connection), e.g. 60s or 5m; 0s for one try each' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l journal -d 'Keep the journal of a revocation of several keys in FILE, a new file (default: a new file under ~/.local/state/narrative-keys/journals/)' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l resume -d 'Finish the revocation whose journal is JOURNAL: revoke the keys it lists as not revoked yet, keeping the journal there' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -s y -l yes -d 'Do not ask for confirmation'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l dry-run -d 'Print the keys that would be revoked, and revoke nothing'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l ignore-missing -d 'Exit 0 when a key is not found (already revoked, or never visible), so that rerunning a script is harmless'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l expires -d 'The new key\'s expiration: 90d, 2027-01-31, an RFC 3339 instant [default: 90d]' -r -f -a "7d\t''
30d\t''
90d\t''
180d\t''
1y\t''
never\t''"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l overlap -d 'Zero-downtime rotation: keep the old key working for SPAN (24h, 7d, 2w, 1mo) after the new secret is delivered, then let it expire; an old key that expires sooner keeps its expiration' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l secret-out -d 'Write the secret to FILE as `NAME=<secret>` (0600, atomically; new, empty, or holding only such a line, whose secret is kept beside it as FILE.replaced-TIME, deleted only if it worked before the run and not after); `-` prints it on stdout' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l secret-to -d 'Run CMD with `sh -c`, the secret on its standard input (never in its arguments or environment); it delivers only by reading its input to the end and exiting 0' -r -f -a "(__fish_complete_command)"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l secret-env-name -d 'The variable name --secret-out writes [default: NARRATIVE_API_KEY]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l delivery-timeout -d 'How long --secret-to\'s command may run, e.g. 30s or 5m; then it is stopped with everything it started, the delivery fails and the new key is revoked again' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l keep-old -d 'Keep the old key working; revoke it yourself later'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l dry-run -d 'Print the successor that would be made and what would happen to the old key, and change nothing'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand rotate" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l name -d 'The new key\'s name' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l expires -d '90d, 12w, 6mo, 1y, 2027-01-31, an RFC 3339 instant, or never [default: 90d]' -r -f -a "7d\t''
30d\t''
90d\t''
180d\t''
1y\t''
never\t''"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l secret-out -d 'Write the secret to FILE as `NAME=<secret>` (0600, atomically; new, empty, or holding only such a line, whose secret is kept beside it as FILE.replaced-TIME, deleted only if it worked before the run and not after); `-` prints it on stdout' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l secret-to -d 'Run CMD with `sh -c`, the secret on its standard input (never in its arguments or environment); it delivers only by reading its input to the end and exiting 0' -r -f -a "(__fish_complete_command)"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l secret-env-name -d 'The variable name --secret-out writes [default: NARRATIVE_API_KEY]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l delivery-timeout -d 'How long --secret-to\'s command may run, e.g. 30s or 5m; then it is stopped with everything it started, the delivery fails and the new key is revoked again' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l dry-run -d 'Read the key and say what would be created; send nothing else'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand clone" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l name-matches -d 'Also every key whose name matches this glob (`*`, `?`; ASCII letters in either case)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l holding -d 'Also every key holding this permission (repeatable: all must be held)' -r -f -a "read:datasets\t'Datasets'
write:datasets\t'Datasets'
read:data_streams\t'DataStreams'
write:data_streams\t'DataStreams'
read:views\t'Views'
write:views\t'Views'
read:queries\t'Queries'
write:queries\t'Queries'
read:subscriptions\t'Subscriptions'
write:subscriptions\t'Subscriptions'
read:data_planes\t'DataPlanes'
write:data_planes\t'DataPlanes'
read:connections\t'Connections'
write:connections\t'Connections'
read:destinations\t'Destinations'
write:destinations\t'Destinations'
read:encryption_materials\t'EncryptionMaterials'
write:encryption_materials\t'EncryptionMaterials'
read:resources\t'Resources'
write:resources\t'Resources'
read:apps\t'Apps'
write:apps\t'Apps'
read:app_profiles\t'AppProfiles'
write:app_profiles\t'AppProfiles'
read:app_events\t'AppEvents'
write:app_events\t'AppEvents'
read:installations\t'Installations'
write:installations\t'Installations'
read:profile_store_schema\t'ProfileStoreSchema'
write:profile_store_schema\t'ProfileStoreSchema'
read:profile_store_data\t'ProfileStoreData'
write:profile_store_data\t'ProfileStoreData'
read:access_tokens\t'AccessTokens'
write:access_tokens\t'AccessTokens'
read:users\t'Users'
write:users\t'Users'
read:company_info\t'CompanyInfo'
write:company_info\t'CompanyInfo'
read:jobs\t'Jobs'
write:jobs\t'Jobs'
read:workflows\t'Workflows'
write:workflows\t'Workflows'
read:webhooks\t'Webhooks'
write:webhooks\t'Webhooks'
read:models\t'Models'
write:models\t'Models'
read:model_training\t'ModelTraining'
write:model_training\t'ModelTraining'
read:mappings\t'Mappings'
write:mappings\t'Mappings'
read:schema_preset\t'SchemaPreset'
write:schema_preset\t'SchemaPreset'
read:attributes\t'Attributes'
write:attributes\t'Attributes'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l resume -d 'Finish the incident whose JSON report is REPORT (--report FILE.json, or its --json output): create the replacements it lists as missing, never twice' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l report -d 'Save the report: Markdown, or JSON when FILE ends in .json (which --resume reads)' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l secrets-out -d 'Write replacement secrets to a new FILE (0600) as each is made: `NAME=<secret>` lines, or JSON when FILE ends in .json' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l secret-to -d 'Hand each replacement\'s secret to CMD (`sh -c`, secret on standard input, to be read to the end before exiting 0; NARRATIVE_KEY_ID, _NAME, _ENV_NAME and _REPLACES in its environment)' -r -f -a "(__fish_complete_command)"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l delivery-timeout -d 'How long --secret-to\'s command may run, e.g. 30s or 5m; then it is stopped with everything it started, the delivery fails and the new key is revoked again' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l note -d 'What happened, for the report' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l deadline -d 'How long to keep trying keys whose revocation failed (429, 5xx, a broken connection), e.g. 60s or 5m; 0s for one try each' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l format -d 'How the plan and the report are printed: text (aligned tables) or md (Markdown). The --report file is Markdown, or JSON, whatever this says' -r -f -a "text\t'Aligned plain-text tables, for a terminal'
md\t'Markdown, to paste into a ticket or a document'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l allow-unknown -d 'Match --holding permissions the catalog does not know instead of refusing them as typos'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l replace -d 'Create a replacement with the same permissions for each revoked key (keys that had already expired are revoked but not replaced)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l include-expired -d 'With --replace, replace keys that had already expired too'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l dry-run -d 'Show the plan and change nothing'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l force -d 'Let --report replace an existing file'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -s y -l yes -d 'Do not ask for confirmation'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand incident" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l expiring-within -d 'How near an expiration counts as soon, e.g. 14d or 30d' -r -f -a "7d\t''
14d\t''
30d\t''
90d\t''"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l format -d 'text: an aligned table; md: a Markdown table' -r -f -a "text\t'Aligned plain-text tables, for a terminal'
md\t'Markdown, to paste into a ticket or a document'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand audit" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l file -d 'The keys file [default: narrative-keys.toml in the current directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l format -d 'text: aligned lines; md: a Markdown table' -r -f -a "text\t'Aligned plain-text tables, for a terminal'
md\t'Markdown, to paste into a ticket or a document'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand plan" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l file -d 'The keys file [default: narrative-keys.toml in the current directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l secrets-out -d 'Write the secrets of new keys whose entry names no target (secret_to, secret_out) to FILE, a new dotenv or JSON file (by its extension), 0600' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l deadline -d 'Start no step after this long, e.g. 10m (a CI job\'s limit); what is left is reported, for the next apply' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l delivery-timeout -d 'How long --secret-to\'s command may run, e.g. 30s or 5m; then it is stopped with everything it started, the delivery fails and the new key is revoked again' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l jobs -d 'How many keys are worked on at once (each key\'s steps stay in order: create, check, deliver, retire)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand apply" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l name-matches -d 'Only keys whose name matches GLOB (`*` any text, `?` one character)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand import" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand schema" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l grant -d 'Permissions to describe, e.g. read:datasets (repeatable)' -r -f -a "read:datasets\t'Datasets'
write:datasets\t'Datasets'
read:data_streams\t'DataStreams'
write:data_streams\t'DataStreams'
read:views\t'Views'
write:views\t'Views'
read:queries\t'Queries'
write:queries\t'Queries'
read:subscriptions\t'Subscriptions'
write:subscriptions\t'Subscriptions'
read:data_planes\t'DataPlanes'
write:data_planes\t'DataPlanes'
read:connections\t'Connections'
write:connections\t'Connections'
read:destinations\t'Destinations'
write:destinations\t'Destinations'
read:encryption_materials\t'EncryptionMaterials'
write:encryption_materials\t'EncryptionMaterials'
read:resources\t'Resources'
write:resources\t'Resources'
read:apps\t'Apps'
write:apps\t'Apps'
read:app_profiles\t'AppProfiles'
write:app_profiles\t'AppProfiles'
read:app_events\t'AppEvents'
write:app_events\t'AppEvents'
read:installations\t'Installations'
write:installations\t'Installations'
read:profile_store_schema\t'ProfileStoreSchema'
write:profile_store_schema\t'ProfileStoreSchema'
read:profile_store_data\t'ProfileStoreData'
write:profile_store_data\t'ProfileStoreData'
read:access_tokens\t'AccessTokens'
write:access_tokens\t'AccessTokens'
read:users\t'Users'
write:users\t'Users'
read:company_info\t'CompanyInfo'
write:company_info\t'CompanyInfo'
read:jobs\t'Jobs'
write:jobs\t'Jobs'
read:workflows\t'Workflows'
write:workflows\t'Workflows'
read:webhooks\t'Webhooks'
write:webhooks\t'Webhooks'
read:models\t'Models'
write:models\t'Models'
read:model_training\t'ModelTraining'
write:model_training\t'ModelTraining'
read:mappings\t'Mappings'
write:mappings\t'Mappings'
read:schema_preset\t'SchemaPreset'
write:schema_preset\t'SchemaPreset'
read:attributes\t'Attributes'
write:attributes\t'Attributes'"
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l allow-unknown -d 'Describe --grant permissions the catalog does not know instead of refusing them as typos'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand explain" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand catalog" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand presets" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand whoami" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -f -a "login" -d 'Sign in: check an API key with the API, then keep it under a profile (--profile, else the default profile, else `default`) in the OS keyring'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -f -a "logout" -d 'Forget a profile\'s key on this machine (it still works on the server)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -f -a "status" -d 'Every profile: its environment, where its key is kept (masked), and whether the API still takes it. Exits 1 when a stored key no longer works'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -f -a "switch" -d 'Make a profile the default'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -f -a "list" -d 'The profiles, the default marked'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -f -a "token" -d 'Print the profile\'s bare key on standard output, for scripts (`export NARRATIVE_API_KEY=$(narrative-keys auth token)`)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and not __fish_seen_subcommand_from login logout status switch list token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l with-token -d 'Read the key from standard input (e.g. a file or a secret manager\'s output) instead of asking for it'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l insecure-storage -d 'Keep the key in credentials.toml (owner-only) without trying the OS keyring, as when CI is set'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l all -d 'Every profile'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from logout" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l show-token -d 'Show the keys in full instead of their last four characters'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from switch" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l json -d 'Print JSON on stdout for scripts; errors as one JSON document on stderr'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l show-token -d 'Print the key even when standard output is a terminal, where it would stay on the screen and in the terminal\'s scrollback'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "login" -d 'Sign in: check an API key with the API, then keep it under a profile (--profile, else the default profile, else `default`) in the OS keyring'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Forget a profile\'s key on this machine (it still works on the server)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "status" -d 'Every profile: its environment, where its key is kept (masked), and whether the API still takes it. Exits 1 when a stored key no longer works'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "switch" -d 'Make a profile the default'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "list" -d 'The profiles, the default marked'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "token" -d 'Print the profile\'s bare key on standard output, for scripts (`export NARRATIVE_API_KEY=$(narrative-keys auth token)`)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l api-key -d 'API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN]; with --demo, a key of the demo\'s store (e.g. to try a read-only key)' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l environment -d 'prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l profile -d 'Use this signed-in profile\'s key and environment (see `auth login`); NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l demo-db -d 'Where --demo keeps its keys [default: the user\'s data directory]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l log-file -d 'Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]' -r -F
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l timeout -d 'How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]' -r
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l demo -d 'Use a local emulator with sample keys instead of Narrative\'s API'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -l reset -d 'With --demo: start from the sample keys again (every key made or changed in the demo\'s store is removed)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand completions" -s V -l version -d 'Print version'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "list" -d 'List keys: name, id, permissions, expiry and status'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "show" -d 'Show one key and what it can do'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "create" -d 'Create a key. Its secret is shown once'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "update" -d 'Change a key\'s name, permissions or expiration'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "revoke" -d 'Revoke keys. They stop working at once'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "rotate" -d 'Replace a key with a new one holding the same permissions; then revoke the old key, keep it, or let it expire after an overlap'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "clone" -d 'Create a key with the same permissions as another, under a new name. Its secret is shown once, delivered as for create'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "incident" -d 'Respond to a leak: revoke every affected key at once, optionally replace them, and report'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "audit" -d 'Find risky keys. Exits 1 when anything is at warning level or above'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "plan" -d 'Keys as code: what `apply` would do to make the account match narrative-keys.toml. Sends nothing'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "apply" -d 'Keys as code: make the account match narrative-keys.toml, delivering every new secret before anything is retired'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "import" -d 'Keys as code: print [[key]] entries (name, presets and grants, pinned id; never a secret) for existing keys'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "schema" -d 'Keys as code: print the JSON Schema of narrative-keys.toml, for editors (taplo, Even Better TOML)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "explain" -d 'Describe in plain words what a key, or a set of permissions, allows'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "catalog" -d 'The permission catalog: every resource and the levels it supports'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "presets" -d 'The use-case presets and their permissions'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "whoami" -d 'Who the credentials belong to, and where they came from'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "auth" -d 'Sign in once: keep your API key in the OS keyring under a named profile'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and not __fish_seen_subcommand_from list show create update revoke rotate clone incident audit plan apply import schema explain catalog presets whoami auth completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "login" -d 'Sign in: check an API key with the API, then keep it under a profile (--profile, else the default profile, else `default`) in the OS keyring'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "logout" -d 'Forget a profile\'s key on this machine (it still works on the server)'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "status" -d 'Every profile: its environment, where its key is kept (masked), and whether the API still takes it. Exits 1 when a stored key no longer works'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "switch" -d 'Make a profile the default'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "list" -d 'The profiles, the default marked'
complete -c narrative-keys -n "__fish_narrative_keys_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "token" -d 'Print the profile\'s bare key on standard output, for scripts (`export NARRATIVE_API_KEY=$(narrative-keys auth token)`)'
