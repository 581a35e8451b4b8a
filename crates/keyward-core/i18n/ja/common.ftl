# すべての出力で共通の語句。メッセージ ID は英語版と同じものを使う。

lang-name = 日本語

# An account's status in an app.
account-status-active = 有効
account-status-invited = 招待中
account-status-suspended = 停止中
