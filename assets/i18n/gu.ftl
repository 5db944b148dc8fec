## counterqr — Gujarati (gu). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".

language-name = ગુજરાતી

## The customer's display between sales.
idle-scan-any-upi = કોઈપણ UPI એપથી સ્કેન કરીને ચુકવણી કરો

## While the till asks the gateway for the QR.
qr-preparing = તમારો QR કોડ તૈયાર થઈ રહ્યો છે…

## The QR on screen.
qr-scan-and-pay = સ્કેન કરો અને ચુકવણી કરો
qr-pay-to = { $payee } ને
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = { $time } માટે માન્ય
qr-type-amount-yourself = તમારી UPI એપમાં { $amount } જાતે દાખલ કરો
training-not-real = TRAINING — સાચી ચુકવણી નથી

## After the sale.
paid-title = ચુકવણી સફળ
paid-thank-you = { $amount } મળ્યા. આભાર!
expired-title = QR કોડની સમય મર્યાદા પૂરી
expired-do-not-pay = કૃપા કરીને આ QR કોડ પર ચુકવણી કરશો નહીં. કેશિયર પાસેથી નવો કોડ માગો.
failed-title = ચુકવણી થઈ નથી
failed-ask-cashier = ચુકવણી પૂરી થઈ નથી. કૃપા કરીને કેશિયરને પૂછો.

## Spoken. [1] rather than CLDR [one]: Gujarati "one" is i = 0 or n = 1, but zero takes the plural.
speech-rupees = { $words } { $count ->
    [1] રૂપિયો
   *[other] રૂપિયા
}
speech-paise = { $words } { $count ->
    [1] પૈસો
   *[other] પૈસા
}
speech-rupees-and-paise = { $rupees } અને { $paise }
speech-received = { $amount } { $count ->
    [1] મળ્યો
   *[other] મળ્યા
}
speech-earlier-received = { $count ->
    [1] અગાઉના વેચાણનો { $amount } મળ્યો
   *[other] અગાઉના વેચાણના { $amount } મળ્યા
}
