# Words shared by every rendering. Message ids are kebab-case, prefixed by area.

lang-name = English

# An account's status in an app.
account-status-active = active
account-status-invited = invited
account-status-suspended = suspended
