## counterqr — Punjabi, Gurmukhi (pa). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".

language-name = ਪੰਜਾਬੀ

## The customer's display between sales.
idle-scan-any-upi = ਕਿਸੇ ਵੀ UPI ਐਪ ਨਾਲ ਸਕੈਨ ਕਰਕੇ ਭੁਗਤਾਨ ਕਰੋ

## While the till asks the gateway for the QR.
qr-preparing = ਤੁਹਾਡਾ QR ਕੋਡ ਤਿਆਰ ਹੋ ਰਿਹਾ ਹੈ…

## The QR on screen.
qr-scan-and-pay = ਸਕੈਨ ਕਰੋ ਅਤੇ ਭੁਗਤਾਨ ਕਰੋ
qr-pay-to = { $payee } ਨੂੰ
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = { $time } ਲਈ ਵੈਧ
qr-type-amount-yourself = ਆਪਣੀ UPI ਐਪ ਵਿੱਚ { $amount } ਖੁਦ ਭਰੋ
training-not-real = TRAINING — ਅਸਲੀ ਭੁਗਤਾਨ ਨਹੀਂ

## After the sale.
paid-title = ਭੁਗਤਾਨ ਸਫਲ
paid-thank-you = { $amount } ਪ੍ਰਾਪਤ ਹੋਏ। ਧੰਨਵਾਦ!
expired-title = QR ਕੋਡ ਦੀ ਮਿਆਦ ਖਤਮ
expired-do-not-pay = ਕਿਰਪਾ ਕਰਕੇ ਇਸ QR ਕੋਡ ਨਾਲ ਭੁਗਤਾਨ ਨਾ ਕਰੋ। ਕੈਸ਼ੀਅਰ ਤੋਂ ਨਵਾਂ ਕੋਡ ਮੰਗੋ।
failed-title = ਭੁਗਤਾਨ ਨਹੀਂ ਹੋਇਆ
failed-ask-cashier = ਭੁਗਤਾਨ ਪੂਰਾ ਨਹੀਂ ਹੋਇਆ। ਕਿਰਪਾ ਕਰਕੇ ਕੈਸ਼ੀਅਰ ਨੂੰ ਪੁੱਛੋ।

## Spoken. [1] rather than CLDR [one]: Punjabi "one" is n = 0..1, but zero takes the plural.
speech-rupees = { $words } { $count ->
    [1] ਰੁਪਇਆ
   *[other] ਰੁਪਏ
}
speech-paise = { $words } { $count ->
    [1] ਪੈਸਾ
   *[other] ਪੈਸੇ
}
speech-rupees-and-paise = { $rupees } ਅਤੇ { $paise }
speech-received = { $amount } { $count ->
    [1] ਪ੍ਰਾਪਤ ਹੋਇਆ
   *[other] ਪ੍ਰਾਪਤ ਹੋਏ
}
speech-earlier-received = { $count ->
    [1] ਪਿਛਲੀ ਵਿਕਰੀ ਦਾ { $amount } ਪ੍ਰਾਪਤ ਹੋਇਆ
   *[other] ਪਿਛਲੀ ਵਿਕਰੀ ਦੇ { $amount } ਪ੍ਰਾਪਤ ਹੋਏ
}
