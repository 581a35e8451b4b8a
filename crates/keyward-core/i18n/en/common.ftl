# Words shared by every rendering. Message ids are kebab-case, prefixed by area.

lang-name = English
