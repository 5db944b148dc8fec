## counterqr — Hindi (hi). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".

language-name = हिन्दी

## The customer's display between sales.
idle-scan-any-upi = किसी भी UPI ऐप से स्कैन करें और भुगतान करें

## While the till asks the gateway for the QR.
qr-preparing = आपका QR कोड तैयार हो रहा है…

## The QR on screen.
qr-scan-and-pay = स्कैन करें और भुगतान करें
qr-pay-to = { $payee } को
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = { $time } के लिए मान्य
qr-type-amount-yourself = अपने UPI ऐप में { $amount } खुद डालें
training-not-real = TRAINING — असली भुगतान नहीं

## After the sale.
paid-title = भुगतान सफल
paid-thank-you = { $amount } प्राप्त हुए। धन्यवाद!
expired-title = QR कोड की समय सीमा समाप्त
expired-do-not-pay = कृपया इस QR कोड पर भुगतान न करें। कैशियर से नया कोड माँगें।
failed-title = भुगतान नहीं हुआ
failed-ask-cashier = भुगतान पूरा नहीं हुआ। कृपया कैशियर से पूछें।

## Spoken. [1] rather than CLDR [one]: Hindi "one" is i = 0 or n = 1, but zero takes the plural.
speech-rupees = { $words } { $count ->
    [1] रुपया
   *[other] रुपये
}
speech-paise = { $words } { $count ->
    [1] पैसा
   *[other] पैसे
}
speech-rupees-and-paise = { $rupees } और { $paise }
speech-received = { $amount } { $count ->
    [1] प्राप्त हुआ
   *[other] प्राप्त हुए
}
speech-earlier-received = { $count ->
    [1] पिछली बिक्री का { $amount } प्राप्त हुआ
   *[other] पिछली बिक्री के { $amount } प्राप्त हुए
}
