## counterqr — Kannada (kn). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".
## "App" is ಆ್ಯಪ್ (ಆ + virama + ಯ, the usual spelling; shapes cleanly in HarfBuzz with Noto Sans
## Kannada). Case endings are never glued to ಆ್ಯಪ್/ಕೋಡ್, so no ZWNJ is needed.

language-name = ಕನ್ನಡ

## The customer's display between sales.
idle-scan-any-upi = ಯಾವುದೇ UPI ಆ್ಯಪ್ ಮೂಲಕ ಸ್ಕ್ಯಾನ್ ಮಾಡಿ ಪಾವತಿಸಿ

## While the till asks the gateway for the QR.
qr-preparing = ನಿಮ್ಮ QR ಕೋಡ್ ಸಿದ್ಧವಾಗುತ್ತಿದೆ…

## The QR on screen.
qr-scan-and-pay = ಸ್ಕ್ಯಾನ್ ಮಾಡಿ ಪಾವತಿಸಿ
qr-pay-to = { $payee } ಅವರಿಗೆ
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = ಮಾನ್ಯತೆ: { $time }
qr-type-amount-yourself = ನಿಮ್ಮ UPI ಆ್ಯಪ್ ತೆರೆದು { $amount } ನೀವೇ ನಮೂದಿಸಿ
training-not-real = TRAINING — ನಿಜವಾದ ಪಾವತಿ ಅಲ್ಲ

## After the sale.
paid-title = ಪಾವತಿ ಯಶಸ್ವಿ
paid-thank-you = { $amount } ಸ್ವೀಕರಿಸಲಾಗಿದೆ. ಧನ್ಯವಾದಗಳು!
expired-title = QR ಕೋಡ್ ಅವಧಿ ಮುಗಿದಿದೆ
expired-do-not-pay = ದಯವಿಟ್ಟು ಈ QR ಕೋಡ್ ಮೂಲಕ ಪಾವತಿಸಬೇಡಿ. ಕ್ಯಾಷಿಯರನ್ನು ಹೊಸ ಕೋಡ್ ಕೇಳಿ.
failed-title = ಪಾವತಿ ಆಗಿಲ್ಲ
failed-ask-cashier = ಪಾವತಿ ಪೂರ್ಣಗೊಂಡಿಲ್ಲ. ದಯವಿಟ್ಟು ಕ್ಯಾಷಿಯರನ್ನು ಕೇಳಿ.

## Spoken. After a numeral spoken Kannada keeps the noun singular (ಒಂದು ರೂಪಾಯಿ, ಐನೂರು ರೂಪಾಯಿ;
## ಐವತ್ತು ಪೈಸೆ) and the passive ಸ್ವೀಕರಿಸಲಾಗಿದೆ does not agree, so no selector on $count is needed.
speech-rupees = { $words } ರೂಪಾಯಿ
speech-paise = { $words } ಪೈಸೆ
speech-rupees-and-paise = { $rupees } { $paise }
speech-received = { $amount } ಸ್ವೀಕರಿಸಲಾಗಿದೆ
speech-earlier-received = ಹಿಂದಿನ ಮಾರಾಟದ { $amount } ಸ್ವೀಕರಿಸಲಾಗಿದೆ
