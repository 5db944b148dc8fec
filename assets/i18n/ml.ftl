## counterqr — Malayalam (ml). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".
## Chillu letters are the atomic ones (ൻ ർ ൽ ൾ ൺ), not consonant + virama + ZWJ.

language-name = മലയാളം

## The customer's display between sales.
idle-scan-any-upi = ഏത് UPI ആപ്പ് ഉപയോഗിച്ചും സ്കാൻ ചെയ്ത് പണമടയ്ക്കാം

## While the till asks the gateway for the QR.
qr-preparing = നിങ്ങളുടെ QR കോഡ് തയ്യാറാകുന്നു…

## The QR on screen.
qr-scan-and-pay = സ്കാൻ ചെയ്ത് പണമടയ്ക്കൂ
qr-pay-to = സ്വീകർത്താവ്: { $payee }
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = സാധുത: { $time }
qr-type-amount-yourself = നിങ്ങളുടെ UPI ആപ്പിൽ { $amount } സ്വയം നൽകുക
training-not-real = TRAINING — യഥാർത്ഥ ഇടപാട് അല്ല

## After the sale.
paid-title = പണമടച്ചു
paid-thank-you = { $amount } ലഭിച്ചു. നന്ദി!
expired-title = QR കോഡിന്റെ കാലാവധി കഴിഞ്ഞു
expired-do-not-pay = ദയവായി ഈ QR കോഡിൽ പണമടയ്ക്കരുത്. പുതിയ കോഡിനായി കാഷ്യറോട് ചോദിക്കുക.
failed-title = പണമടച്ചില്ല
failed-ask-cashier = പണമടയ്ക്കൽ പൂർത്തിയായില്ല. ദയവായി കാഷ്യറോട് ചോദിക്കുക.

## Spoken. After a numeral Malayalam keeps the noun singular (ഒരു രൂപ, അഞ്ഞൂറ് രൂപ; അമ്പത് പൈസ)
## and ലഭിച്ചു does not agree, so no selector on $count is needed.
speech-rupees = { $words } രൂപ
speech-paise = { $words } പൈസ
speech-rupees-and-paise = { $rupees } { $paise }
speech-received = { $amount } ലഭിച്ചു
speech-earlier-received = മുമ്പത്തെ വിൽപ്പനയുടെ { $amount } ലഭിച്ചു
