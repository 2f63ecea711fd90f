"""The permissions Casebook enforces; policies/roles.toml may name these and no others."""

PERMISSIONS: dict[str, str] = {
    "account.self": "See one's own account, manage one's own API tokens, log out.",
    "vocabulary.read": "Read the controlled vocabularies.",
    "group.read": "See the groups in one's scope.",
    "group.manage": "Create groups and manage their members.",
    "grant.manage": "Grant attorneys access to a group's records, and revoke it.",
    "identity.read": "Read the public identity (public keys) of users in one's scope, to seal "
    "vault keys to them.",
    "user.manage": "Invite, list and disable accounts.",
    "audit.read": "Read and verify the audit log.",
    "incident.read": "Read incidents in one's scope.",
    "incident.write": "Create and edit incidents of one's own groups.",
    "person.read": "Read people in one's scope.",
    "person.write": "Create and edit people of one's own groups.",
    "activity.read": "Read protected activities in one's scope.",
    "activity.write": "Create and edit protected activities of one's own groups.",
    "vault.read": "Read the membership log and published generations of a vault in one's scope.",
    "vault.manage": "Create the vault of a group one coordinates and append to its log.",
    "evidence.read": "List the attachments of incidents in one's scope; read those whose vault "
    "log names one as a reader.",
    "report.read": "Run pattern reports: exact over the records in one's scope, or, for the roles "
    "policies/disclosure.toml covers, aggregates over every group that pass its disclosure rules.",
    "claim.read": "Read the claims one is an attorney on, with their notes.",
    "claim.write": "Open claims over the records in one's scope, and edit the claims one is an "
    "attorney on.",
    "evidence.write": "Upload attachments to incidents of one's own groups, as a writer in the "
    "vault log.",
}
