# One connection of the soak's fork/exec churn (soak.tab: netbulk exec on port 13, the connection
# as standard input and output): its bytes through a pipeline of two programs, and the SHA-256 of
# what arrived back ("HEX  -").
cat | sha256sum
