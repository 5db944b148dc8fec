## counterqr — Odia (or). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".
## Case endings are never glued to English loanwords (ଆପ୍, କୋଡ୍), so no ZWNJ is needed.

language-name = ଓଡ଼ିଆ

## The customer's display between sales.
idle-scan-any-upi = ଯେକୌଣସି UPI ଆପ୍ ଦ୍ୱାରା ସ୍କାନ୍ କରି ପେମେଣ୍ଟ କରନ୍ତୁ

## While the till asks the gateway for the QR.
qr-preparing = ଆପଣଙ୍କ QR କୋଡ୍ ପ୍ରସ୍ତୁତ ହେଉଛି…

## The QR on screen.
qr-scan-and-pay = ସ୍କାନ୍ କରି ପେମେଣ୍ଟ କରନ୍ତୁ
qr-pay-to = ପ୍ରାପକ: { $payee }
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = ବୈଧତା: { $time }
qr-type-amount-yourself = ଆପଣଙ୍କ UPI ଆପ୍ ଖୋଲି { $amount } ନିଜେ ଟାଇପ୍ କରନ୍ତୁ
training-not-real = TRAINING — ପ୍ରକୃତ ପେମେଣ୍ଟ ନୁହେଁ

## After the sale.
paid-title = ପେମେଣ୍ଟ ସଫଳ
paid-thank-you = { $amount } ମିଳିଲା। ଧନ୍ୟବାଦ!
expired-title = QR କୋଡ୍ ମିଆଦ ଶେଷ
expired-do-not-pay = ଦୟାକରି ଏହି QR କୋଡ୍ ଦ୍ୱାରା ପେମେଣ୍ଟ କରନ୍ତୁ ନାହିଁ। କ୍ୟାସିଅରଙ୍କଠାରୁ ନୂଆ କୋଡ୍ ମାଗନ୍ତୁ।
failed-title = ପେମେଣ୍ଟ ହୋଇନାହିଁ
failed-ask-cashier = ପେମେଣ୍ଟ ସମ୍ପୂର୍ଣ୍ଣ ହୋଇନାହିଁ। ଦୟାକରି କ୍ୟାସିଅରଙ୍କୁ ପଚାରନ୍ତୁ।

## Spoken. Odia nouns do not change after a numeral (ଏକ ଟଙ୍କା, ପାଞ୍ଚଶହ ଟଙ୍କା; ପଚାଶ ପଇସା)
## and ମିଳିଲା does not agree, so no selector on $count is needed.
speech-rupees = { $words } ଟଙ୍କା
speech-paise = { $words } ପଇସା
speech-rupees-and-paise = { $rupees } { $paise }
speech-received = { $amount } ମିଳିଲା
speech-earlier-received = ପୂର୍ବ ବିକ୍ରିର { $amount } ମିଳିଲା
